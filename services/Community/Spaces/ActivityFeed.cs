using System.Globalization;
using MenSI.Community.Profiles;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Community.Spaces;

/// <summary>One thing that happened in a space: <c>thread-started</c>, <c>replied</c>, <c>resource-shared</c> or <c>webinar-scheduled</c>.</summary>
public sealed record ActivityItem(string Kind, DateTimeOffset At, Guid SubjectId, Guid? ThreadId, string Title, string Actor);

/// <summary>A page of the feed; <see cref="Next"/> is the <c>before</c> cursor of the next (older) page, null at the end.</summary>
public sealed record ActivityPage(IReadOnlyList<ActivityItem> Items, string? Next);

/// <summary>
/// A space's activity, newest first, read from the posts, resources and webinars themselves (so hiding, approval and
/// erasure are reflected at once, with no second copy to keep right). Paged by a cursor (time and id of the last item
/// seen): each source reads only the next <c>limit</c> rows of its own (space, time) index, however deep the reader goes.
/// </summary>
public static class ActivityFeed
{
    public const int MaxLimit = 100;

    public static void MapActivityFeed(this IEndpointRouteBuilder app) =>
        app.MapGet(SpaceEndpoints.Route + "/spaces/{id:guid}/activity", GetAsync).WithTags("Spaces").WithName("GetSpaceActivity")
            .Describe(new()
            {
                ["before"] = "The `next` value of the previous page: the activity older than it.",
                ["limit"] = "How many items, newest first (default 20).",
            }).RequireAuthorization(Policies.Member);

    internal static async Task<Results<Ok<ActivityPage>, ValidationProblem, ProblemHttpResult>> GetAsync(
        Guid id, string? before, int? limit, Caller caller, CommunityDbContext db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var size = limit ?? 20;
        if (size is < 1 or > MaxLimit) errors["limit"] = [$"Must be between 1 and {MaxLimit}."];
        // PostgreSQL orders uuids by their bytes, as the hexadecimal text orders them (not as Guid.CompareTo does).
        var cursor = before is null ? (DateTimeOffset.MaxValue, Guid.Empty) : Parse(before);
        if (cursor is null) errors["before"] = ["Must be the 'next' value of a previous page."];
        if (errors.Count > 0) return Problems.Validation(errors);
        var space = await db.ReadableSpaces(caller).FirstOrDefaultAsync(s => s.Id == id, ct);
        if (space is null) return Problems.NotFound("Space", id);
        var (at, after) = cursor!.Value;
        var moderator = SpaceRules.MayModerate(caller, space);

        var posts = await db.Posts.AsNoTracking().Where(p => p.SpaceId == id && (moderator || !p.Hidden) && !p.AwaitingApproval)
            .Where(p => EF.Functions.LessThan(ValueTuple.Create(p.CreatedAt, p.Id), ValueTuple.Create(at, after)))
            .OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id).Take(size)
            .Join(db.Threads, p => p.ThreadId, t => t.Id, (p, t) => new { p.Id, p.IsOpening, p.CreatedAt, p.ThreadId, t.Title, p.AuthorId }).ToListAsync(ct);
        var resources = await db.Resources.AsNoTracking().Where(r => r.SpaceId == id && (moderator || !r.Hidden) && !r.AwaitingApproval)
            .Where(r => EF.Functions.LessThan(ValueTuple.Create(r.SharedAt, r.Id), ValueTuple.Create(at, after)))
            .OrderByDescending(r => r.SharedAt).ThenByDescending(r => r.Id).Take(size).Select(r => new { r.Id, r.SharedAt, r.Title, r.SharedBy }).ToListAsync(ct);
        var webinars = await db.Webinars.AsNoTracking().Where(w => w.SpaceId == id)
            .Where(w => EF.Functions.LessThan(ValueTuple.Create(w.CreatedAt, w.Id), ValueTuple.Create(at, after)))
            .OrderByDescending(w => w.CreatedAt).ThenByDescending(w => w.Id).Take(size).Select(w => new { w.Id, w.CreatedAt, w.Title, w.OrganiserId }).ToListAsync(ct);
        var names = await db.NamesAsync(posts.Select(p => p.AuthorId).Concat(resources.Select(r => r.SharedBy)).Concat(webinars.Select(w => w.OrganiserId)), ct);

        var items = posts.Select(p => new ActivityItem(p.IsOpening ? "thread-started" : "replied", p.CreatedAt, p.Id, p.ThreadId, p.Title, Names.Of(p.AuthorId, names)))
            .Concat(resources.Select(r => new ActivityItem("resource-shared", r.SharedAt, r.Id, null, r.Title, Names.Of(r.SharedBy, names))))
            .Concat(webinars.Select(w => new ActivityItem("webinar-scheduled", w.CreatedAt, w.Id, null, w.Title, Names.Of(w.OrganiserId, names))))
            .OrderByDescending(i => i.At).ThenByDescending(i => i.SubjectId.ToString("N"), StringComparer.Ordinal).Take(size).ToList();
        var next = items.Count == size ? Cursor(items[^1]) : null;
        return TypedResults.Ok(new ActivityPage(items, next));
    }

    private static string Cursor(ActivityItem last) => $"{last.At.UtcTicks.ToString(CultureInfo.InvariantCulture)}_{last.SubjectId:N}";

    private static (DateTimeOffset, Guid)? Parse(string cursor) =>
        cursor.Split('_') is [var ticks, var id] && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var t)
            && t >= DateTimeOffset.MinValue.UtcTicks && t <= DateTimeOffset.MaxValue.UtcTicks && Guid.TryParseExact(id, "N", out var g)
            ? (new DateTimeOffset(t, TimeSpan.Zero), g)
            : null;
}
