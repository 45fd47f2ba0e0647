using System.Text.Json.Serialization;
using MenSI.Clusters.Clusters;
using MenSI.Contracts.Registry;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Clusters.Plans;

public static class PlanRules
{
    public const int MaxTitleLength = 200;
    public const int MaxDescriptionLength = 4000;
    public const int MaxMilestones = 30;
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record MilestoneRequest(string? Title, DateOnly? DueOn, DateOnly? DoneOn);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record GoalRequest(Guid? SchoolId, string? Title, string? Description, string? SelfieArea, Guid? PairedWithSchoolId, IReadOnlyList<MilestoneRequest>? Milestones)
{
    public GoalDraft? ToDraft(IDictionary<string, string[]> errors)
    {
        if (SchoolId is null || SchoolId == Guid.Empty) errors["schoolId"] = ["Required: the mentee school the goal belongs to."];
        var title = Title?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length > PlanRules.MaxTitleLength) errors["title"] = [$"Required, at most {PlanRules.MaxTitleLength} characters."];
        if (Description is { Length: > PlanRules.MaxDescriptionLength }) errors["description"] = [$"Must be at most {PlanRules.MaxDescriptionLength} characters."];
        if (SelfieArea is not null && !SelfieScores.Areas.Contains(SelfieArea)) errors["selfieArea"] = [$"Must be one of: {string.Join(", ", SelfieScores.Areas)}."];
        if (PairedWithSchoolId is { } paired && paired == SchoolId) errors["pairedWithSchoolId"] = ["Must be another school of the cluster."];
        var milestones = Milestones ?? [];
        if (milestones.Count > PlanRules.MaxMilestones) errors["milestones"] = [$"At most {PlanRules.MaxMilestones} milestones."];
        for (var i = 0; i < milestones.Count; i++)
        {
            var m = milestones[i];
            if (string.IsNullOrWhiteSpace(m.Title) || m.Title.Trim().Length > PlanRules.MaxTitleLength) errors[$"milestones[{i}].title"] = [$"Required, at most {PlanRules.MaxTitleLength} characters."];
            if (m.DueOn is null) errors[$"milestones[{i}].dueOn"] = ["Required (YYYY-MM-DD)."];
        }

        return errors.Count > 0 ? null : new GoalDraft(SchoolId!.Value, title!, string.IsNullOrWhiteSpace(Description) ? null : Description.Trim(),
            SelfieArea, PairedWithSchoolId, [.. milestones.Select(m => new Milestone(m.Title!.Trim(), m.DueOn!.Value, m.DoneOn))]);
    }
}

public sealed record GoalResponse(Guid Id, Guid SchoolId, string Title, string? Description, string? SelfieArea, Guid? PairedWithSchoolId,
    IReadOnlyList<Milestone> Milestones, int ProgressPercent, DateTimeOffset UpdatedAt, int Version)
{
    public static GoalResponse Of(Goal g) => new(g.Id, g.SchoolId, g.Title, g.Description, g.SelfieArea, g.PairedWithSchoolId, g.Milestones, g.ProgressPercent, g.UpdatedAt, g.Version);
}

/// <param name="Schools">Per mentee school: its goals and their mean progress.</param>
public sealed record PlanResponse(Guid ClusterId, IReadOnlyList<SchoolPlan> Schools);

public sealed record SchoolPlan(Guid SchoolId, int ProgressPercent, IReadOnlyList<GoalResponse> Goals);

/// <summary>The mentoring operational plan: goals per mentee school, with milestones; written by whoever works in the cluster.</summary>
public static class PlanEndpoints
{
    public static void MapPlanEndpoints(this IEndpointRouteBuilder app)
    {
        var plan = app.MapGroup(ClusterEndpoints.Route + "/{id:guid}/plan").WithTags("Plan");
        plan.MapGet("/", GetPlan).WithName("GetPlan").RequireAuthorization(Policies.Member);
        plan.MapPost("/goals", AddGoal).WithName("AddGoal").WithIdempotency().RequireAuthorization(Policies.SchoolStaff);
        plan.MapPut("/goals/{goalId:guid}", UpdateGoal).WithName("UpdateGoal").RequireAuthorization(Policies.SchoolStaff);
    }

    internal static async Task<Results<Ok<PlanResponse>, ProblemHttpResult>> GetPlan(Guid id, ClustersDbContext db, CancellationToken cancellationToken)
    {
        if (!await db.Clusters.AnyAsync(c => c.Id == id, cancellationToken)) return Problems.NotFound("Cluster", id);
        var goals = await db.Goals.AsNoTracking().Where(g => g.ClusterId == id).OrderBy(g => g.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PlanResponse(id, [.. goals.GroupBy(g => g.SchoolId).Select(school => new SchoolPlan(school.Key,
            (int)school.Average(g => g.ProgressPercent), [.. school.Select(GoalResponse.Of)]))]));
    }

    internal static async Task<Results<Created<GoalResponse>, ValidationProblem, ProblemHttpResult>> AddGoal(
        Guid id, GoalRequest request, Caller caller, ResourceAccess access, ClustersDbContext db, TimeProvider clock, HttpResponse response, CancellationToken cancellationToken)
    {
        var cluster = await db.ReadClusterAsync(id, cancellationToken);
        if (cluster is null) return Problems.NotFound("Cluster", id);
        if (access.Check(caller, cluster.MayWork(caller), "plan the work of", $"cluster {id}") is { } denied) return denied;
        var errors = new Dictionary<string, string[]>();
        var draft = request.ToDraft(errors);
        if (draft is null) return Problems.Validation(errors);
        if (WhyNot(cluster, draft) is { } broken) return Problems.Broken(broken);

        var goal = Goal.Set(id, draft, clock.GetUtcNow());
        db.Goals.Add(goal);
        await db.SaveChangesAsync(cancellationToken);
        ETags.Set(response, goal.Version);
        return TypedResults.Created($"{ClusterEndpoints.Route}/{id}/plan/goals/{goal.Id}", GoalResponse.Of(goal));
    }

    internal static async Task<Results<Ok<GoalResponse>, ValidationProblem, ProblemHttpResult>> UpdateGoal(
        Guid id, Guid goalId, GoalRequest request, Caller caller, ResourceAccess access, ClustersDbContext db, TimeProvider clock,
        HttpRequest httpRequest, HttpResponse response, CancellationToken cancellationToken)
    {
        var cluster = await db.ReadClusterAsync(id, cancellationToken);
        var goal = cluster is null ? null : await db.Goals.FirstOrDefaultAsync(g => g.Id == goalId && g.ClusterId == id, cancellationToken);
        if (cluster is null || goal is null) return Problems.NotFound("Goal", goalId);
        if (access.Check(caller, cluster.MayWork(caller), "plan the work of", $"cluster {id}") is { } denied) return denied;
        if (ETags.CheckIfMatch(httpRequest, goal.Version) is { } precondition) return precondition;
        var errors = new Dictionary<string, string[]>();
        var draft = request.ToDraft(errors);
        if (draft is null) return Problems.Validation(errors);
        if (WhyNot(cluster, draft) is { } broken) return Problems.Broken(broken);

        goal.Replace(draft, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        ETags.Set(response, goal.Version);
        return TypedResults.Ok(GoalResponse.Of(goal));
    }

    private static RuleViolation? WhyNot(Cluster cluster, GoalDraft draft)
    {
        if (!cluster.IsOpen) return new("cluster-closed", $"The cluster is {WireEnum.Name(cluster.Status)}; its plan can no longer change.");
        if (cluster.CurrentMember(draft.SchoolId) is not { Role: MemberRole.Mentee })
        {
            return new("goal-for-a-mentee", "Goals belong to a current mentee school of the cluster.", StatusCodes.Status422UnprocessableEntity);
        }

        return draft.PairedWithSchoolId is { } paired && cluster.CurrentMember(paired) is null
            ? new("paired-school-must-be-member", "The paired school must be a current school of the cluster.", StatusCodes.Status422UnprocessableEntity)
            : null;
    }
}
