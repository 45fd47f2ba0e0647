using System.Text.Json.Serialization;
using MenSI.Community.Spaces;
using MenSI.Community.Unread;
using MenSI.Contracts.Community;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Messaging;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MenSI.Community.Moderation;

/// <summary>A member's report of a post, until a moderator hides or restores the post (which settles its reports).</summary>
public sealed class Report
{
    public Guid Id { get; init; }
    public Guid PostId { get; init; }
    public Guid SpaceId { get; init; }
    public Guid? ReporterId { get; set; }
    public string Reason { get; init; } = "";
    public DateTimeOffset ReportedAt { get; init; }
    public DateTimeOffset? SettledAt { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ReasonRequest(string? Reason);

public sealed record ReportResponse(Guid Id, Guid PostId, Guid SpaceId, string Reason, DateTimeOffset ReportedAt, DateTimeOffset? SettledAt);

public sealed record ModerationResponse(Guid PostId, bool Hidden, string Reason);

/// <summary>
/// Anyone signed in reports; moderators (admins, and ministry officers in their country's spaces) hide or restore
/// with a reason. Hidden posts leave lists, threads and search for everyone but moderators; hiding an opening post
/// hides its thread.
/// </summary>
public static class ModerationEndpoints
{
    public static void MapModerationEndpoints(this IEndpointRouteBuilder app)
    {
        var community = app.MapGroup(SpaceEndpoints.Route).WithTags("Moderation").RequireAuthorization(Policies.Member);
        community.MapPost("/posts/{postId:guid}/reports", ReportPost).WithName("ReportPost");
        community.MapGet("/reports", ListReports).WithName("ListReports").RequireAuthorization(Policies.Ministry);
        community.MapPost("/posts/{postId:guid}/hide", (Guid postId, ReasonRequest request, Caller caller, ResourceAccess access, CommunityDbContext db,
            UnreadCounts unread, TimeProvider clock, CancellationToken ct) => ModerateAsync(postId, request, true, caller, access, db, unread, clock, ct))
            .WithName("HidePost").RequireAuthorization(Policies.Ministry);
        community.MapPost("/posts/{postId:guid}/restore", (Guid postId, ReasonRequest request, Caller caller, ResourceAccess access, CommunityDbContext db,
            UnreadCounts unread, TimeProvider clock, CancellationToken ct) => ModerateAsync(postId, request, false, caller, access, db, unread, clock, ct))
            .WithName("RestorePost").RequireAuthorization(Policies.Ministry);
    }

    internal static async Task<Results<Created<ReportResponse>, ValidationProblem, ProblemHttpResult>> ReportPost(
        Guid postId, ReasonRequest request, Caller caller, CommunityDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (CheckReason(request) is not { } reason) return Invalid();
        var post = await db.Posts.AsNoTracking().FirstOrDefaultAsync(p => p.Id == postId, ct);
        var space = post is null ? null : await db.ReadableSpaces(caller).FirstOrDefaultAsync(s => s.Id == post.SpaceId, ct);
        if (post is null || space is null || (post.Hidden && !SpaceRules.MayModerate(caller, space))) return Problems.NotFound("Post", postId);
        var now = clock.GetUtcNow();
        var report = new Report { Id = Guid.CreateVersion7(now), PostId = postId, SpaceId = space.Id, ReporterId = caller.UserId, Reason = reason, ReportedAt = now };
        db.Reports.Add(report);
        db.AddIntegrationEvent(new ContentReported(Guid.CreateVersion7(now), now, report.Id, postId, space.Id, space.Country));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"{SpaceEndpoints.Route}/reports/{report.Id}", Response(report));
    }

    /// <summary>Open reports (or all, <c>open=false</c>) in the spaces the caller moderates, oldest first.</summary>
    internal static async Task<Results<Ok<Page<ReportResponse>>, ValidationProblem>> ListReports(
        int? page, int? pageSize, bool? open, Caller caller, CommunityDbContext db, CancellationToken ct)
    {
        var paging = new PageQuery(page, pageSize);
        if (paging.Problem() is { } invalid) return invalid;
        var country = caller.IsNetworkAdmin ? null : caller.Country;
        var moderated = db.Spaces.Where(s => caller.IsNetworkAdmin || s.Country == country).Select(s => s.Id);
        var reports = db.Reports.AsNoTracking().Where(r => moderated.Contains(r.SpaceId) && (open == false || r.SettledAt == null));
        return TypedResults.Ok(await reports.ToPageAsync(q => q.OrderBy(r => r.ReportedAt).ThenBy(r => r.Id), paging, Response, ct));
    }

    private static async Task<Results<Ok<ModerationResponse>, ValidationProblem, ProblemHttpResult>> ModerateAsync(
        Guid postId, ReasonRequest request, bool hide, Caller caller, ResourceAccess access, CommunityDbContext db, UnreadCounts unread, TimeProvider clock,
        CancellationToken ct)
    {
        if (CheckReason(request) is not { } reason) return Invalid();
        var post = await db.Posts.FirstOrDefaultAsync(p => p.Id == postId, ct);
        var space = post is null ? null : await db.ReadableSpaces(caller).FirstOrDefaultAsync(s => s.Id == post.SpaceId, ct);
        if (post is null || space is null) return Problems.NotFound("Post", postId);
        if (access.Check(caller, SpaceRules.MayModerate(caller, space), hide ? "hide" : "restore", $"post {postId}") is { } denied) return denied;
        if (post.Hidden == hide) return Problems.Broken(new(hide ? "already-hidden" : "not-hidden", hide ? "The post is hidden already." : "The post is not hidden."));

        var now = clock.GetUtcNow();
        (post.Hidden, post.ModerationReason) = (hide, reason);
        if (post.IsOpening) await db.Threads.Where(t => t.Id == post.ThreadId).ExecuteUpdateAsync(t => t.SetProperty(x => x.Hidden, hide), ct);
        await db.Reports.Where(r => r.PostId == postId && r.SettledAt == null).ExecuteUpdateAsync(r => r.SetProperty(x => x.SettledAt, now), ct);
        db.AddIntegrationEvent(new ContentModerated(Guid.CreateVersion7(now), now, postId, space.Id, space.Country, hide ? "hidden" : "restored"));
        await db.SaveChangesAsync(ct);
        if (hide) await unread.HiddenAsync(space.Id, postId);
        else await unread.PublishedAsync(space.Id, postId, post.CreatedAt);
        return TypedResults.Ok(new ModerationResponse(postId, hide, reason));
    }

    private static string? CheckReason(ReasonRequest request) => request.Reason?.Trim() is { Length: > 0 and <= 500 } reason ? reason : null;

    private static ValidationProblem Invalid() =>
        Problems.Validation(new Dictionary<string, string[]> { ["reason"] = ["Required: why, 1 to 500 characters."] });

    private static ReportResponse Response(Report r) => new(r.Id, r.PostId, r.SpaceId, r.Reason, r.ReportedAt, r.SettledAt);
}

internal sealed class ReportConfiguration : IEntityTypeConfiguration<Report>
{
    public void Configure(EntityTypeBuilder<Report> report)
    {
        report.ToTable("reports");
        report.HasKey(r => r.Id);
        report.Property(r => r.Reason).HasMaxLength(500);
        report.HasIndex(r => new { r.SpaceId, r.SettledAt });
    }
}
