using System.Text.Json.Serialization;
using MenSI.Community.Spaces;
using MenSI.Contracts.Community;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Messaging;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MenSI.Community.Moderation;

/// <summary>What members report and moderators hide, restore and approve.</summary>
public enum ContentKind { Post, Resource }

/// <summary>A member's report of a post or resource, until a moderator acts on it (which settles its reports).</summary>
public sealed class Report
{
    public Guid Id { get; init; }
    public ContentKind ContentKind { get; init; }
    public Guid ContentId { get; init; }
    public Guid SpaceId { get; init; }
    public Guid? ReporterId { get; set; }
    public string Reason { get; init; } = "";
    public DateTimeOffset ReportedAt { get; init; }
    public DateTimeOffset? SettledAt { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ReasonRequest(string? Reason);

public sealed record ReportResponse(Guid Id, ContentKind ContentKind, Guid ContentId, Guid SpaceId, string Reason, DateTimeOffset ReportedAt, DateTimeOffset? SettledAt);

public sealed record ModerationResponse(ContentKind ContentKind, Guid ContentId, bool Hidden, bool AwaitingApproval, string? Reason);

/// <summary>
/// Anyone signed in reports; moderators (admins, and ministry officers in their country's spaces) hide, restore and
/// approve, with a reason for hiding and restoring. Hidden content leaves lists, threads, feeds and search for
/// everyone but moderators; hiding an opening post hides its thread. Held content (a new member's links) is approved,
/// which publishes it, or hidden, which rejects it.
/// </summary>
public static class ModerationEndpoints
{
    public static void MapModerationEndpoints(this IEndpointRouteBuilder app)
    {
        var community = app.MapGroup(SpaceEndpoints.Route).WithTags("Moderation").RequireAuthorization(Policies.Member);
        community.MapGet("/reports", ListReports).WithName("ListReports")
            .Describe(new()
            {
                ["open"] = "true (the default): only reports not yet settled; false: all of them.",
            }).RequireAuthorization(Policies.Ministry);
        community.MapGet("/approvals", ListApprovals).WithName("ListApprovals").RequireAuthorization(Policies.Ministry);
        foreach (var (kind, route) in new[] { (ContentKind.Post, "posts"), (ContentKind.Resource, "resources") })
        {
            var name = WireEnum.Name(kind) is var n ? char.ToUpperInvariant(n[0]) + n[1..] : "";
            community.MapPost($"/{route}/{{id:guid}}/reports", (Guid id, ReasonRequest request, Caller caller, CommunityDbContext db, TimeProvider clock, CancellationToken ct) =>
                ReportAsync(kind, id, request, caller, db, clock, ct)).WithName($"Report{name}");
            community.MapPost($"/{route}/{{id:guid}}/hide", (Guid id, ReasonRequest request, Caller caller, ResourceAccess access, ContentModeration moderation, CancellationToken ct) =>
                moderation.ModerateAsync(kind, id, ModerationAction.Hide, request, caller, access, ct)).WithName($"Hide{name}").RequireAuthorization(Policies.Ministry);
            community.MapPost($"/{route}/{{id:guid}}/restore", (Guid id, ReasonRequest request, Caller caller, ResourceAccess access, ContentModeration moderation, CancellationToken ct) =>
                moderation.ModerateAsync(kind, id, ModerationAction.Restore, request, caller, access, ct)).WithName($"Restore{name}").RequireAuthorization(Policies.Ministry);
            community.MapPost($"/{route}/{{id:guid}}/approve", (Guid id, Caller caller, ResourceAccess access, ContentModeration moderation, CancellationToken ct) =>
                moderation.ModerateAsync(kind, id, ModerationAction.Approve, new ReasonRequest("Approved"), caller, access, ct)).WithName($"Approve{name}").RequireAuthorization(Policies.Ministry);
        }
    }

    private static async Task<Results<Created<ReportResponse>, ValidationProblem, ProblemHttpResult>> ReportAsync(
        ContentKind kind, Guid id, ReasonRequest request, Caller caller, CommunityDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (CheckReason(request) is not { } reason) return InvalidReason();
        var content = await ModeratedContent.FindAsync(db, kind, id, ct);
        var space = content is null ? null : await db.ReadableSpaces(caller).FirstOrDefaultAsync(s => s.Id == content.SpaceId, ct);
        if (content is null || space is null || (content.Hidden && !SpaceRules.MayModerate(caller, space))) return Problems.NotFound(WireEnum.Name(kind), id);
        var now = clock.GetUtcNow();
        var report = new Report { Id = Guid.CreateVersion7(now), ContentKind = kind, ContentId = id, SpaceId = space.Id, ReporterId = caller.UserId, Reason = reason, ReportedAt = now };
        db.Reports.Add(report);
        db.AddIntegrationEvent(new ContentReported(Guid.CreateVersion7(now), now, report.Id, WireEnum.Name(kind), id, space.Id, space.Country));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"{SpaceEndpoints.Route}/reports/{report.Id}", Response(report));
    }

    /// <summary>Open reports (or all, <c>open=false</c>) in the spaces the caller moderates, oldest first.</summary>
    internal static async Task<Results<Ok<Page<ReportResponse>>, ValidationProblem>> ListReports(
        int? page, int? pageSize, bool? open, Caller caller, CommunityDbContext db, CancellationToken ct)
    {
        var paging = new PageQuery(page, pageSize);
        if (paging.Problem() is { } invalid) return invalid;
        var moderated = db.ModeratedSpaceIds(caller);
        var reports = db.Reports.AsNoTracking().Where(r => moderated.Contains(r.SpaceId) && (open == false || r.SettledAt == null));
        return TypedResults.Ok(await reports.ToPageAsync(q => q.OrderBy(r => r.ReportedAt).ThenBy(r => r.Id), paging, Response, ct));
    }

    /// <summary>Held posts and resources not yet decided, in the spaces the caller moderates, oldest first.</summary>
    internal static async Task<Results<Ok<Page<HeldContent>>, ValidationProblem>> ListApprovals(
        int? page, int? pageSize, Caller caller, CommunityDbContext db, CancellationToken ct)
    {
        var paging = new PageQuery(page, pageSize);
        if (paging.Problem() is { } invalid) return invalid;
        return TypedResults.Ok(await ModeratedContent.HeldAsync(db, db.ModeratedSpaceIds(caller), paging, ct));
    }

    internal static string? CheckReason(ReasonRequest request) => request.Reason?.Trim() is { Length: > 0 and <= 500 } reason ? reason : null;

    internal static ValidationProblem InvalidReason() =>
        Problems.Validation(new Dictionary<string, string[]> { ["reason"] = ["Required: why, 1 to 500 characters."] });

    private static ReportResponse Response(Report r) => new(r.Id, r.ContentKind, r.ContentId, r.SpaceId, r.Reason, r.ReportedAt, r.SettledAt);
}

internal sealed class ReportConfiguration : IEntityTypeConfiguration<Report>
{
    public void Configure(EntityTypeBuilder<Report> report)
    {
        report.ToTable("reports");
        report.HasKey(r => r.Id);
        report.Property(r => r.ContentKind).HasConversion<string>().HasMaxLength(16);
        report.Property(r => r.Reason).HasMaxLength(500);
        report.HasIndex(r => new { r.SpaceId, r.SettledAt });
        report.HasIndex(r => new { r.ContentKind, r.ContentId });
    }
}
