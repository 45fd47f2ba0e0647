using MenSI.ServiceDefaults;
using MenSI.Community.Live;
using MenSI.Community.Moderation;
using MenSI.Community.Profiles;
using MenSI.Community.Spaces;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Community.Webinars;

/// <summary>
/// Webinars in a space: scheduled by its moderators and trusted members (a webinar carries a join link), listed soonest
/// first, and RSVPs that never take more places than there are.
/// </summary>
public static class WebinarEndpoints
{
    public static void MapWebinarEndpoints(this IEndpointRouteBuilder app)
    {
        var community = app.MapGroup(SpaceEndpoints.Route).WithTags("Webinars").RequireAuthorization(Policies.Member);
        community.MapPost("/spaces/{id:guid}/webinars", Schedule).WithName("ScheduleWebinar").WithIdempotency();
        community.MapGet("/spaces/{id:guid}/webinars", List).WithName("ListWebinars")
            .Describe(new()
            {
                ["from"] = "Only webinars starting at or after this instant (ISO 8601; default now: the upcoming ones).",
            });
        community.MapGet("/webinars/{webinarId:guid}", Get).WithName("GetWebinar");
        community.MapPut("/webinars/{webinarId:guid}/rsvp", Attend).WithName("Rsvp");
        community.MapDelete("/webinars/{webinarId:guid}/rsvp", Decline).WithName("CancelRsvp");
    }

    internal static async Task<Results<Created<WebinarResponse>, ValidationProblem, ProblemHttpResult>> Schedule(
        Guid id, ScheduleWebinarRequest request, Caller caller, CommunityDbContext db, Trust trust, LiveUpdates live, TimeProvider clock, CancellationToken ct)
    {
        if (caller.UserId is not { } organiser) return Problems.Forbidden("Only people schedule webinars: sign in as a user, not as a machine client.");
        var now = clock.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        var title = request.Title?.Trim() ?? "";
        if (title.Length is 0 or > WebinarRules.MaxTitleLength) errors["title"] = [$"Required: 1 to {WebinarRules.MaxTitleLength} characters."];
        if (request.Description?.Length > WebinarRules.MaxDescriptionLength) errors["description"] = [$"At most {WebinarRules.MaxDescriptionLength} characters."];
        var start = WebinarRules.StartOf(request.StartsAt, request.TimeZone, now, errors);
        if (request.DurationMinutes is not (>= WebinarRules.MinMinutes and <= WebinarRules.MaxMinutes))
            errors["durationMinutes"] = [$"Required: {WebinarRules.MinMinutes} to {WebinarRules.MaxMinutes}."];
        if (request.Capacity is not (>= 1 and <= WebinarRules.MaxCapacity)) errors["capacity"] = [$"Required: 1 to {WebinarRules.MaxCapacity} places."];
        if (request.JoinUrl is not null && !WebAddress.IsValid(request.JoinUrl, 2000, httpsOnly: true))
            errors["joinUrl"] = ["An absolute https address of at most 2000 characters."];
        if (errors.Count > 0) return Problems.Validation(errors);
        var space = await db.ReadableSpaces(caller).FirstOrDefaultAsync(s => s.Id == id, ct);
        if (space is null) return Problems.NotFound("Space", id);
        if (await trust.MustApproveAsync(db, caller, space, hasLinks: true, ct))
            return Problems.Forbidden("New members cannot schedule webinars yet: a moderator can, or you can once your first posts are published.");

        var webinar = new Webinar
        {
            Id = Guid.CreateVersion7(now), SpaceId = id, Title = title, Description = request.Description?.Trim() ?? "", StartsAt = start!.Value.ToUniversalTime(),
            TimeZone = request.TimeZone!, DurationMinutes = request.DurationMinutes!.Value, Capacity = request.Capacity!.Value, JoinUrl = request.JoinUrl,
            OrganiserId = organiser, CreatedAt = now,
        };
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            db.Webinars.Add(webinar);
            await db.TouchSpaceAsync(id, now, ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        await live.AnnounceAsync("webinar-scheduled", id, null, webinar.Id, now);
        return TypedResults.Created($"{SpaceEndpoints.Route}/webinars/{webinar.Id}", await ResponseAsync(db, webinar, caller, ct));
    }

    /// <summary>Soonest first, those starting from <c>from</c> (default: now, so the upcoming ones).</summary>
    internal static async Task<Results<Ok<Page<WebinarResponse>>, ValidationProblem, ProblemHttpResult>> List(
        Guid id, DateTimeOffset? from, int? page, int? pageSize, Caller caller, CommunityDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var paging = new PageQuery(page, pageSize);
        if (paging.Problem() is { } invalid) return invalid;
        if (!await db.ReadableSpaces(caller).AnyAsync(s => s.Id == id, ct)) return Problems.NotFound("Space", id);
        var since = (from ?? clock.GetUtcNow()).ToUniversalTime();
        var listed = await db.Webinars.AsNoTracking().Where(w => w.SpaceId == id && w.StartsAt >= since)
            .ToPageAsync(q => q.OrderBy(w => w.StartsAt).ThenBy(w => w.Id), paging, w => w, ct);
        var names = await db.NamesAsync(listed.Items.Select(w => w.OrganiserId), ct);
        var mine = await MineAsync(db, caller, listed.Items.Select(w => w.Id), ct);
        return TypedResults.Ok(new Page<WebinarResponse>([.. listed.Items.Select(w => ResponseOf(w, names, mine.Contains(w.Id)))], listed.PageNumber, listed.PageSize,
            listed.TotalCount, listed.TotalCountCapped));
    }

    internal static async Task<Results<Ok<WebinarResponse>, ProblemHttpResult>> Get(Guid webinarId, Caller caller, CommunityDbContext db, CancellationToken ct) =>
        await ReadableAsync(db, caller, webinarId, ct) is { } webinar ? TypedResults.Ok(await ResponseAsync(db, webinar, caller, ct)) : Problems.NotFound("Webinar", webinarId);

    /// <summary>
    /// Idempotent: a second RSVP keeps the first. The place is taken by <c>attending = attending + 1 WHERE attending &lt; capacity</c>
    /// in the RSVP's transaction; concurrent RSVPs wait on the row and re-check, so the last place goes to exactly one.
    /// </summary>
    internal static async Task<Results<Ok<WebinarResponse>, ProblemHttpResult>> Attend(
        Guid webinarId, Caller caller, CommunityDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (caller.UserId is not { } member) return Problems.Forbidden("Only people attend webinars.");
        if (await ReadableAsync(db, caller, webinarId, ct) is not { } webinar) return Problems.NotFound("Webinar", webinarId);
        var now = clock.GetUtcNow();
        if (webinar.StartsAt <= now) return Problems.Broken(new("webinar-started", "The webinar has started or is over: RSVPs are closed."));

        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            var added = await db.Database.ExecuteSqlAsync($"INSERT INTO rsvps (webinar_id, member_id, at) VALUES ({webinarId}, {member}, {now}) ON CONFLICT DO NOTHING", ct);
            if (added == 1)
            {
                var placed = await db.Database.ExecuteSqlAsync($"UPDATE webinars SET attending = attending + 1 WHERE id = {webinarId} AND attending < capacity", ct);
                if (placed == 0)
                {
                    await transaction.RollbackAsync(ct);
                    return Problems.Broken(new("webinar-full", $"All {webinar.Capacity} places are taken."));
                }
            }

            await transaction.CommitAsync(ct);
        }

        return TypedResults.Ok(await ResponseAsync(db, await db.Webinars.AsNoTracking().FirstAsync(w => w.Id == webinarId, ct), caller, ct));
    }

    /// <summary>Idempotent: gives the place back (it can be taken again at once).</summary>
    internal static async Task<Results<Ok<WebinarResponse>, ProblemHttpResult>> Decline(Guid webinarId, Caller caller, CommunityDbContext db, CancellationToken ct)
    {
        if (caller.UserId is not { } member) return Problems.Forbidden("Only people attend webinars.");
        if (await ReadableAsync(db, caller, webinarId, ct) is null) return Problems.NotFound("Webinar", webinarId);
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            if (await db.Rsvps.Where(r => r.WebinarId == webinarId && r.MemberId == member).ExecuteDeleteAsync(ct) == 1)
                await db.Webinars.Where(w => w.Id == webinarId).ExecuteUpdateAsync(w => w.SetProperty(x => x.Attending, x => x.Attending - 1), ct);
            await transaction.CommitAsync(ct);
        }

        return TypedResults.Ok(await ResponseAsync(db, await db.Webinars.AsNoTracking().FirstAsync(w => w.Id == webinarId, ct), caller, ct));
    }

    private static async Task<Webinar?> ReadableAsync(CommunityDbContext db, Caller caller, Guid webinarId, CancellationToken ct)
    {
        var webinar = await db.Webinars.AsNoTracking().FirstOrDefaultAsync(w => w.Id == webinarId, ct);
        return webinar is not null && await db.ReadableSpaces(caller).AnyAsync(s => s.Id == webinar.SpaceId, ct) ? webinar : null;
    }

    private static async Task<HashSet<Guid>> MineAsync(CommunityDbContext db, Caller caller, IEnumerable<Guid> webinars, CancellationToken ct)
    {
        var ids = webinars.ToList();
        var me = caller.UserId;
        return me is null ? [] : [.. await db.Rsvps.Where(r => r.MemberId == me && ids.Contains(r.WebinarId)).Select(r => r.WebinarId).ToListAsync(ct)];
    }

    private static async Task<WebinarResponse> ResponseAsync(CommunityDbContext db, Webinar webinar, Caller caller, CancellationToken ct) =>
        ResponseOf(webinar, await db.NamesAsync([webinar.OrganiserId], ct), (await MineAsync(db, caller, [webinar.Id], ct)).Count == 1);

    private static WebinarResponse ResponseOf(Webinar w, IReadOnlyDictionary<Guid, string> names, bool youAttend) =>
        new(w.Id, w.SpaceId, w.Title, w.Description, w.StartsAt, WebinarRules.LocalTime(w.StartsAt, w.TimeZone), w.TimeZone, w.DurationMinutes, w.Capacity,
            w.Attending, w.Capacity - w.Attending, youAttend, w.JoinUrl, Names.Of(w.OrganiserId, names), w.CreatedAt);
}
