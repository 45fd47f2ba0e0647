using MenSI.Community.Profiles;
using MenSI.Community.Spaces;
using MenSI.Community.Threads;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Community.PersonalData;

public sealed record PostExport(Guid Id, Guid ThreadId, Guid SpaceId, string Markdown, IReadOnlyList<RevisionResponse> EarlierRevisions, DateTimeOffset CreatedAt, bool Hidden);

public sealed record MemberDataExport(Guid MemberId, DateTimeOffset ExportedAt, ProfileResponse? Profile, IReadOnlyList<ThreadSummary> ThreadsStarted,
    IReadOnlyList<PostExport> Posts, IReadOnlyList<object> Reactions, IReadOnlyList<object> Reports, IReadOnlyList<object> ResourcesShared,
    IReadOnlyList<object> WebinarsOrganised, IReadOnlyList<object> Rsvps);

/// <summary>
/// A member's data (GDPR articles 15 and 17). Erasure deletes the profile, the reactions, the read markers and the RSVPs
/// (giving the places back), and the link from every post, thread, report, resource and webinar to the member: their
/// posts stay in their threads (the conversation stays readable) as by a "former member", and nothing in any table or
/// index names them any more.
/// </summary>
public static class PersonalDataEndpoints
{
    public static void MapPersonalDataEndpoints(this IEndpointRouteBuilder app)
    {
        var data = app.MapGroup(SpaceEndpoints.Route).WithTags("Personal data");
        data.MapGet("/me/data", Export).WithName("ExportMyCommunityData").RequireAuthorization(Policies.Member);
        data.MapDelete("/me/data", EraseOwn).WithName("EraseMyCommunityData").RequireAuthorization(Policies.Member);
        data.MapDelete("/members/{memberId:guid}/data", EraseMember).WithName("EraseMemberCommunityData").RequireAuthorization(Policies.NetworkAdmin);
    }

    internal static async Task<Results<Ok<MemberDataExport>, ProblemHttpResult>> Export(Caller caller, CommunityDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (caller.UserId is not { } member) return Problems.Forbidden("Only people have community data.");
        var profile = await db.Profiles.AsNoTracking().FirstOrDefaultAsync(p => p.MemberId == member, ct);
        var threads = await db.Threads.AsNoTracking().Where(t => t.AuthorId == member).OrderBy(t => t.CreatedAt).ToListAsync(ct);
        var posts = await db.Posts.AsNoTracking().Where(p => p.AuthorId == member).OrderBy(p => p.CreatedAt).ToListAsync(ct);
        var postIds = posts.Select(p => p.Id).ToList();
        var revisions = await db.PostRevisions.AsNoTracking().Where(r => postIds.Contains(r.PostId)).OrderBy(r => r.Revision).ToListAsync(ct);
        var reactions = await db.Reactions.AsNoTracking().Where(r => r.MemberId == member).Select(r => new { r.PostId, r.Kind, r.At }).ToListAsync(ct);
        var reports = await db.Reports.AsNoTracking().Where(r => r.ReporterId == member).Select(r => new { r.Id, r.ContentKind, r.ContentId, r.Reason, r.ReportedAt }).ToListAsync(ct);
        var resources = await db.Resources.AsNoTracking().Where(r => r.SharedBy == member)
            .Select(r => new { r.Id, r.SpaceId, r.Title, r.Url, r.Description, r.Type, r.Licence, r.Language, r.Tags, r.SharedAt, r.Hidden }).ToListAsync(ct);
        var webinars = await db.Webinars.AsNoTracking().Where(w => w.OrganiserId == member)
            .Select(w => new { w.Id, w.SpaceId, w.Title, w.Description, w.StartsAt, w.TimeZone, w.Capacity, w.JoinUrl, w.CreatedAt }).ToListAsync(ct);
        var rsvps = await db.Rsvps.AsNoTracking().Where(r => r.MemberId == member).Select(r => new { r.WebinarId, r.At }).ToListAsync(ct);
        var names = profile is null ? new Dictionary<Guid, string>() : new Dictionary<Guid, string> { [member] = profile.DisplayName };
        return TypedResults.Ok(new MemberDataExport(member, clock.GetUtcNow(),
            profile is null ? null : new ProfileResponse(member, profile.DisplayName, profile.Languages, profile.UpdatedAt),
            [.. threads.Select(t => ThreadEndpoints.Summary(t, names))],
            [.. posts.Select(p => new PostExport(p.Id, p.ThreadId, p.SpaceId, p.Markdown,
                [.. revisions.Where(r => r.PostId == p.Id).Select(r => new RevisionResponse(r.Revision, r.Markdown, r.WrittenAt))], p.CreatedAt, p.Hidden))],
            [.. reactions], [.. reports], [.. resources], [.. webinars], [.. rsvps]));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> EraseOwn(Caller caller, CommunityDbContext db, CancellationToken ct)
    {
        if (caller.UserId is not { } member) return Problems.Forbidden("Only people have community data.");
        await EraseAsync(db, member, ct);
        return TypedResults.NoContent();
    }

    internal static async Task<NoContent> EraseMember(Guid memberId, Caller caller, ResourceAccess access, CommunityDbContext db, CancellationToken ct)
    {
        await EraseAsync(db, memberId, ct);
        access.Check(caller, true, "erase the community data of", $"member {memberId}");
        return TypedResults.NoContent();
    }

    private static async Task EraseAsync(CommunityDbContext db, Guid member, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Profiles.Where(p => p.MemberId == member).ExecuteDeleteAsync(ct);
        await db.Reactions.Where(r => r.MemberId == member).ExecuteDeleteAsync(ct);
        await db.ReadMarkers.Where(m => m.MemberId == member).ExecuteDeleteAsync(ct);
        await db.Posts.Where(p => p.AuthorId == member).ExecuteUpdateAsync(p => p.SetProperty(x => x.AuthorId, (Guid?)null), ct);
        await db.Threads.Where(t => t.AuthorId == member).ExecuteUpdateAsync(t => t.SetProperty(x => x.AuthorId, (Guid?)null), ct);
        await db.Reports.Where(r => r.ReporterId == member).ExecuteUpdateAsync(r => r.SetProperty(x => x.ReporterId, (Guid?)null), ct);
        await db.Resources.Where(r => r.SharedBy == member).ExecuteUpdateAsync(r => r.SetProperty(x => x.SharedBy, (Guid?)null), ct);
        await db.Webinars.Where(w => w.OrganiserId == member).ExecuteUpdateAsync(w => w.SetProperty(x => x.OrganiserId, (Guid?)null), ct);
        // Their places go back to others.
        await db.Webinars.Where(w => db.Rsvps.Any(r => r.WebinarId == w.Id && r.MemberId == member))
            .ExecuteUpdateAsync(w => w.SetProperty(x => x.Attending, x => x.Attending - 1), ct);
        await db.Rsvps.Where(r => r.MemberId == member).ExecuteDeleteAsync(ct);
        await transaction.CommitAsync(ct);
    }
}
