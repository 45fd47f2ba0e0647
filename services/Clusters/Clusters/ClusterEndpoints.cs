using MenSI.ServiceDefaults.Data;
using MenSI.Clusters.Schools;
using MenSI.ServiceDefaults;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Messaging;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MenSI.Clusters.Clusters;

public sealed class ClusterOptions
{
    /// <summary>DESIGN.md: typically four mentees; the programme sets the ceiling.</summary>
    public int MaxMentees { get; set; } = 6;
}

/// <summary>Clusters from forming to completed: managed by the ministry of the mentor's country or a network admin.</summary>
public static class ClusterEndpoints
{
    public const string Route = "/api/v1/clusters";

    public static void MapClusterEndpoints(this IEndpointRouteBuilder app)
    {
        var clusters = app.MapGroup(Route).WithTags("Clusters");
        clusters.MapGet("/", ListClusters).WithName("ListClusters")
            .Describe(new()
            {
                ["status"] = $"Only clusters in this state: {WireEnum.Values<ClusterStatus>()}.",
                ["approach"] = $"Only clusters working this way: {WireEnum.Values<Approach>()}.",
                ["schoolId"] = "Only clusters this school belongs to now, as mentor or mentee.",
            }).RequireAuthorization(Policies.Member);
        clusters.MapGet("/{id:guid}", GetCluster).WithName("GetCluster").RequireAuthorization(Policies.Member);
        clusters.MapPost("/", FormCluster).WithName("FormCluster").WithIdempotency().RequireAuthorization(Policies.Ministry);
        clusters.MapPost("/{id:guid}/mentees", AddMentee).WithName("AddMentee").RequireAuthorization(Policies.Ministry);
        clusters.MapDelete("/{id:guid}/mentees/{schoolId:guid}", RemoveMentee).WithName("RemoveMentee").RequireAuthorization(Policies.Ministry);
        clusters.MapPost("/{id:guid}/activate", Activate).WithName("ActivateCluster").RequireAuthorization(Policies.Ministry);
        clusters.MapPost("/{id:guid}/complete", Complete).WithName("CompleteCluster").RequireAuthorization(Policies.Ministry);
        clusters.MapPost("/{id:guid}/dissolve", Dissolve).WithName("DissolveCluster").RequireAuthorization(Policies.Ministry);
    }

    internal static async Task<Results<Ok<Page<ClusterResponse>>, ValidationProblem>> ListClusters(
        [AsParameters] ClusterListQuery query, ClustersDbContext db, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var paging = new PageQuery(query.Page, query.PageSize);
        paging.Validate(errors);
        var status = WireEnum.ParseFilter<ClusterStatus>(query.Status, "status", errors);
        var approach = WireEnum.ParseFilter<Approach>(query.Approach, "approach", errors);
        var country = query.Country?.Trim().ToUpperInvariant();
        if (country is { Length: > 0 } && !Countries.IsEuropean(country)) errors["country"] = [Countries.Invalid];
        if (errors.Count > 0) return Problems.Validation(errors);

        var clusters = db.Clusters.AsNoTracking();
        if (country is { Length: > 0 }) clusters = clusters.Where(c => c.Country == country);
        if (status is { } s) clusters = clusters.Where(c => c.Status == s);
        if (approach is { } a) clusters = clusters.Where(c => c.Approach == a);
        if (query.SchoolId is { } school) clusters = clusters.Where(c => c.Members.Any(m => m.SchoolId == school && m.LeftAt == null));
        return TypedResults.Ok(await clusters.ToPageAsync(q => q.OrderByDescending(c => c.Id), paging, ClusterResponse.Of, cancellationToken));
    }

    internal static async Task<Results<Ok<ClusterResponse>, ProblemHttpResult>> GetCluster(
        Guid id, ClustersDbContext db, HttpResponse response, CancellationToken cancellationToken)
    {
        var cluster = await db.ReadClusterAsync(id, cancellationToken);
        if (cluster is null) return Problems.NotFound("Cluster", id);
        ETags.Set(response, cluster.Version);
        return TypedResults.Ok(ClusterResponse.Of(cluster));
    }

    internal static async Task<Results<Created<ClusterResponse>, ValidationProblem, ProblemHttpResult>> FormCluster(
        CreateClusterRequest request, Caller caller, ResourceAccess access, ClustersDbContext db, TimeProvider clock,
        HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var draft = request.ToDraft(errors);
        if (draft is null) return Problems.Validation(errors);

        var mentor = await db.SchoolSnapshots.AsNoTracking().FirstOrDefaultAsync(s => s.SchoolId == request.MentorSchoolId, cancellationToken);
        // The mentor's country decides whose ministry may form the cluster; an unknown mentor is refused to everyone alike.
        if (mentor is not null && access.Check(caller, caller.MayManageCountry(mentor.Country), "form a cluster in", mentor.Country) is { } denied) return denied;
        if (ClusterRules.WhyNotMentor(mentor) is { } broken) return Problems.Broken(broken);

        var (cluster, formed) = Cluster.Form(draft, mentor!.SchoolId, mentor.Country, clock.GetUtcNow());
        db.Clusters.Add(cluster);
        db.AddIntegrationEvent(formed);
        await db.SaveChangesAsync(cancellationToken);

        ETags.Set(response, cluster.Version);
        return TypedResults.Created($"{Route}/{cluster.Id}", ClusterResponse.Of(cluster));
    }

    internal static Task<Results<Ok<ClusterResponse>, ValidationProblem, ProblemHttpResult>> AddMentee(
        Guid id, AddMenteeRequest request, ClusterChange change, IOptions<ClusterOptions> options, CancellationToken cancellationToken) =>
        change.ApplyAsync(id, "add a mentee to", async (cluster, db) =>
        {
            if (request.SchoolId is not { } schoolId || schoolId == Guid.Empty) return Invalid("schoolId", "Required: the Registry's id of the mentee school.");
            var school = await db.SchoolSnapshots.AsNoTracking().FirstOrDefaultAsync(s => s.SchoolId == schoolId, cancellationToken);
            var busy = await db.BusyMenteesAsync([schoolId], cluster.Id, cancellationToken);
            if (ClusterRules.WhyNotMentee(cluster, school, busy.TryGetValue(schoolId, out var other) ? other : null, options.Value.MaxMentees) is { } broken)
            {
                return Problems.Broken(broken);
            }

            db.AddIntegrationEvent(cluster.AddMentee(schoolId, school!.Country, change.Now));
            return null;
        }, cancellationToken);

    internal static Task<Results<Ok<ClusterResponse>, ValidationProblem, ProblemHttpResult>> RemoveMentee(
        Guid id, Guid schoolId, ClusterChange change, CancellationToken cancellationToken) =>
        change.ApplyAsync(id, "remove a mentee from", (cluster, db) =>
        {
            if (ClusterRules.WhyNotRemove(cluster, schoolId) is { } broken) return Task.FromResult<IResult?>(Problems.Broken(broken));
            db.AddIntegrationEvent(cluster.RemoveMember(cluster.CurrentMember(schoolId)!, MemberFlag.Removed, change.Now));
            return Task.FromResult<IResult?>(null);
        }, cancellationToken);

    internal static Task<Results<Ok<ClusterResponse>, ValidationProblem, ProblemHttpResult>> Activate(
        Guid id, ClusterChange change, CancellationToken cancellationToken) =>
        change.ApplyAsync(id, "activate", async (cluster, db) =>
        {
            var schoolIds = cluster.CurrentMembers.Select(m => m.SchoolId).ToList();
            var snapshots = await db.SchoolSnapshots.AsNoTracking().Where(s => schoolIds.Contains(s.SchoolId)).ToDictionaryAsync(s => s.SchoolId, cancellationToken);
            var busy = await db.BusyMenteesAsync(schoolIds, cluster.Id, cancellationToken);
            if (ClusterRules.WhyNotActivate(cluster, snapshots, busy) is { } broken) return Problems.Broken(broken);
            db.AddIntegrationEvent(cluster.Activate(change.Now));
            return null;
        }, cancellationToken);

    internal static Task<Results<Ok<ClusterResponse>, ValidationProblem, ProblemHttpResult>> Complete(
        Guid id, ClusterChange change, CancellationToken cancellationToken) =>
        change.ApplyAsync(id, "complete", (cluster, db) =>
        {
            if (ClusterRules.WhyNotMove(cluster, ClusterStatus.Completed) is { } broken) return Task.FromResult<IResult?>(Problems.Broken(broken));
            db.AddIntegrationEvent(cluster.End(ClusterStatus.Completed, null, change.Now));
            return Task.FromResult<IResult?>(null);
        }, cancellationToken);

    internal static Task<Results<Ok<ClusterResponse>, ValidationProblem, ProblemHttpResult>> Dissolve(
        Guid id, EndClusterRequest request, ClusterChange change, CancellationToken cancellationToken) =>
        change.ApplyAsync(id, "dissolve", (cluster, db) =>
        {
            var errors = new Dictionary<string, string[]>();
            ClusterRules.CheckReason(request.Reason, errors);
            if (errors.Count > 0) return Task.FromResult<IResult?>(Problems.Validation(errors));
            if (ClusterRules.WhyNotMove(cluster, ClusterStatus.Dissolved) is { } broken) return Task.FromResult<IResult?>(Problems.Broken(broken));
            db.AddIntegrationEvent(cluster.End(ClusterStatus.Dissolved, request.Reason!.Trim(), change.Now));
            return Task.FromResult<IResult?>(null);
        }, cancellationToken);

    private static ValidationProblem Invalid(string field, string message) => Problems.Validation(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>
    /// The steps every change of a cluster shares, in the order a client can act on: 404, 403, 428/412, then the
    /// change's own checks (400, 409/422 naming the rule), then the change and its event in one transaction. A mentee
    /// that another activation took in the meantime is the database's unique index speaking: the same 409.
    /// </summary>
    public sealed class ClusterChange(ClustersDbContext db, ResourceAccess access, TimeProvider clock, IHttpContextAccessor http)
    {
        public DateTimeOffset Now { get; } = clock.GetUtcNow();

        public async Task<Results<Ok<ClusterResponse>, ValidationProblem, ProblemHttpResult>> ApplyAsync(
            Guid id, string action, Func<Cluster, ClustersDbContext, Task<IResult?>> change, CancellationToken cancellationToken)
        {
            var context = http.HttpContext!;
            var caller = Caller.From(context.User);
            var cluster = await db.Clusters.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
            if (cluster is null) return Problems.NotFound("Cluster", id);
            if (access.Check(caller, cluster.MayManage(caller), action, $"cluster {id}") is { } denied) return denied;
            if (ETags.CheckIfMatch(context.Request, cluster.Version) is { } precondition) return precondition;

            switch (await change(cluster, db))
            {
                case ValidationProblem invalid: return invalid;
                case ProblemHttpResult refused: return refused;
            }

            if (await db.SaveOrDuplicateAsync(cancellationToken) is { } constraint)
            {
                return Problems.Broken(constraint == ClusterMember.OneCurrentRowIndex
                    ? new RuleViolation("already-a-member", "The school joined this cluster at the same moment; read the cluster again.")
                    : new RuleViolation("one-active-cluster-per-mentee", "A mentee of this cluster joined another active cluster at the same moment; read the cluster again."));
            }

            ETags.Set(context.Response, cluster.Version);
            return TypedResults.Ok(ClusterResponse.Of(cluster));
        }
    }
}
