using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Community.Spaces;

/// <param name="ClusterSpaces">The private spaces of the clusters the school is a member of.</param>
/// <param name="Threads">Threads in those spaces.</param>
/// <param name="PostsLast30Days">Published posts in those spaces in the last 30 days (held and hidden ones not counted).</param>
/// <param name="LastActivityAt">The latest activity in any of them; null when there is none.</param>
public sealed record SchoolActivityResponse(Guid SchoolId, int ClusterSpaces, int Threads, int PostsLast30Days, DateTimeOffset? LastActivityAt);

/// <summary>A school's community activity in figures, from its clusters' spaces: what a school's overview shows. Never a title or a text.</summary>
public static class SchoolActivityEndpoints
{
    public static void MapSchoolActivityEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(SpaceEndpoints.Route + "/schools/{schoolId:guid}/activity", GetActivity).WithTags("Schools").WithName("GetSchoolCommunityActivity")
            .WithSummary("A school's activity in its clusters' community spaces, in figures")
            .RequireAuthorization(Policies.Member);
    }

    internal static async Task<Ok<SchoolActivityResponse>> GetActivity(Guid schoolId, CommunityDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var spaceIds = db.ClusterSchools.Where(m => m.SchoolId == schoolId && m.IsMember).Select(m => m.ClusterId);
        var spaces = await db.Spaces.AsNoTracking().Where(s => spaceIds.Contains(s.Id))
            .Select(s => new { s.ThreadCount, s.LastActivityAt }).ToListAsync(cancellationToken);
        var since = clock.GetUtcNow().AddDays(-30);
        var posts = await db.Posts.AsNoTracking()
            .CountAsync(p => spaceIds.Contains(p.SpaceId) && p.CreatedAt >= since && !p.Hidden && !p.AwaitingApproval, cancellationToken);
        return TypedResults.Ok(new SchoolActivityResponse(schoolId, spaces.Count, spaces.Sum(s => s.ThreadCount), posts,
            spaces.Count == 0 ? null : spaces.Max(s => s.LastActivityAt)));
    }
}
