using System.Text.Json.Serialization;
using MenSI.Clusters.Clusters;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Messaging;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Clusters.Activities;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ActivityCostsRequest(decimal? StaffHours, decimal? TravelEuro, decimal? SubstitutionEuro, decimal? MaterialsEuro, decimal? OtherEuro);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ParticipantRequest(Guid? SchoolId, int? Staff);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record LogActivityRequest(
    ActivityType? Type, ActivityMode? Mode, DateOnly? HeldOn, decimal? DurationHours, IReadOnlyList<ParticipantRequest>? Participants,
    ActivityCostsRequest? Costs, string? Outcomes, IReadOnlyList<string>? EvidenceLinks)
{
    public ActivityDraft? ToDraft(IDictionary<string, string[]> errors)
    {
        if (Type is null) errors["type"] = [$"Required: one of {WireEnum.Values<ActivityType>()}."];
        if (Mode is null) errors["mode"] = [$"Required: one of {WireEnum.Values<ActivityMode>()}."];
        if (HeldOn is null) errors["heldOn"] = ["Required: the date of the activity (YYYY-MM-DD)."];
        if (DurationHours is not (> 0 and <= ActivityRules.MaxDurationHours)) errors["durationHours"] = [$"Must be more than 0 and at most {ActivityRules.MaxDurationHours}."];
        ActivityRules.CheckParticipants(Participants, errors);
        ActivityRules.CheckCosts(Costs, errors);
        if (Outcomes is { Length: > ActivityRules.MaxOutcomesLength }) errors["outcomes"] = [$"Must be at most {ActivityRules.MaxOutcomesLength} characters."];
        ActivityRules.CheckEvidence(EvidenceLinks, errors);
        if (errors.Count > 0) return null;

        return new ActivityDraft(Type!.Value, Mode!.Value, HeldOn!.Value, DurationHours!.Value,
            [.. Participants!.Select(p => new Participant(p.SchoolId!.Value, p.Staff!.Value))],
            new ActivityCosts(Costs!.StaffHours!.Value, Costs.TravelEuro!.Value, Costs.SubstitutionEuro!.Value, Costs.MaterialsEuro!.Value, Costs.OtherEuro!.Value),
            string.IsNullOrWhiteSpace(Outcomes) ? null : Outcomes.Trim(), EvidenceLinks ?? []);
    }
}

public sealed record ActivityResponse(
    Guid Id, Guid ClusterId, ActivityType Type, ActivityMode Mode, DateOnly HeldOn, decimal DurationHours, IReadOnlyList<Participant> Participants,
    ActivityCosts Costs, decimal CostEuro, int StaffCount, decimal ParticipantHours, string? Outcomes, IReadOnlyList<string> EvidenceLinks, DateTimeOffset LoggedAt)
{
    public static ActivityResponse Of(MentoringActivity a) => new(a.Id, a.ClusterId, a.Type, a.Mode, a.HeldOn, a.DurationHours, a.Participants,
        a.Costs, a.CostEuro, a.StaffCount, a.ParticipantHours, a.Outcomes, a.EvidenceLinks, a.LoggedAt);
}

public sealed record ActivityListQuery(DateOnly? From, DateOnly? To, string? Type, int? Page, int? PageSize);

/// <summary>The mentoring work of a cluster: logged by its schools' coordinators or whoever manages the cluster.</summary>
public static class ActivityEndpoints
{
    public static void MapActivityEndpoints(this IEndpointRouteBuilder app)
    {
        var activities = app.MapGroup(ClusterEndpoints.Route + "/{id:guid}/activities").WithTags("Activities");
        activities.MapGet("/", ListActivities).WithName("ListActivities")
            .Describe(new()
            {
                ["from"] = "Only activities held on or after this date (YYYY-MM-DD).",
                ["to"] = "Only activities held on or before this date (YYYY-MM-DD).",
                ["type"] = $"Only activities of this type: {WireEnum.Values<ActivityType>()}.",
            }).RequireAuthorization(Policies.Member);
        activities.MapPost("/", LogActivity).WithName("LogActivity").WithIdempotency().RequireAuthorization(Policies.SchoolStaff);
    }

    internal static async Task<Results<Created<ActivityResponse>, ValidationProblem, ProblemHttpResult>> LogActivity(
        Guid id, LogActivityRequest request, Caller caller, ResourceAccess access, ClustersDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var cluster = await db.ReadClusterAsync(id, cancellationToken);
        if (cluster is null) return Problems.NotFound("Cluster", id);
        if (access.Check(caller, cluster.MayWork(caller), "log an activity of", $"cluster {id}") is { } denied) return denied;

        var errors = new Dictionary<string, string[]>();
        var draft = request.ToDraft(errors);
        if (draft is null) return Problems.Validation(errors);
        var now = clock.GetUtcNow();
        if (ActivityRules.WhyNotLog(cluster, draft.HeldOn, draft.Participants.Select(p => p.SchoolId), DateOnly.FromDateTime(now.UtcDateTime)) is { } broken)
        {
            return Problems.Broken(broken);
        }

        var (activity, logged) = MentoringActivity.Log(cluster.Id, draft, caller.Subject!, now);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Activities.Add(activity);
        db.AddIntegrationEvent(logged);
        await db.SaveChangesAsync(cancellationToken);
        // An increment in SQL, not a read-modify-write of the cluster: coordinators logging at once do not conflict.
        await db.Clusters.Where(c => c.Id == cluster.Id).ExecuteUpdateAsync(c => c
            .SetProperty(x => x.ActivityCount, x => x.ActivityCount + 1)
            .SetProperty(x => x.ParticipantHours, x => x.ParticipantHours + activity.ParticipantHours)
            .SetProperty(x => x.StaffHours, x => x.StaffHours + activity.Costs.StaffHours)
            .SetProperty(x => x.CostEuro, x => x.CostEuro + activity.CostEuro), cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        return TypedResults.Created($"{ClusterEndpoints.Route}/{id}/activities/{activity.Id}", ActivityResponse.Of(activity));
    }

    internal static async Task<Results<Ok<Page<ActivityResponse>>, ValidationProblem, ProblemHttpResult>> ListActivities(
        Guid id, [AsParameters] ActivityListQuery query, ClustersDbContext db, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var paging = new PageQuery(query.Page, query.PageSize);
        paging.Validate(errors);
        var type = WireEnum.ParseFilter<ActivityType>(query.Type, "type", errors);
        if (query is { From: { } from, To: { } to } && from > to) errors["to"] = ["Must not be before from."];
        if (errors.Count > 0) return Problems.Validation(errors);
        if (!await db.Clusters.AnyAsync(c => c.Id == id, cancellationToken)) return Problems.NotFound("Cluster", id);

        var activities = db.Activities.AsNoTracking().Where(a => a.ClusterId == id);
        if (query.From is { } f) activities = activities.Where(a => a.HeldOn >= f);
        if (query.To is { } t) activities = activities.Where(a => a.HeldOn <= t);
        if (type is { } ty) activities = activities.Where(a => a.Type == ty);
        return TypedResults.Ok(await activities.ToPageAsync(q => q.OrderByDescending(a => a.HeldOn).ThenByDescending(a => a.Id), paging, ActivityResponse.Of, cancellationToken));
    }
}
