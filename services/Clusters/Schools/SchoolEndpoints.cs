using MenSI.Clusters.Clusters;
using MenSI.Contracts.Registry;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Messaging;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Clusters.Schools;

/// <param name="Name">Null until the Registry's registration or profile event has arrived.</param>
/// <param name="LatestScores">The latest self-assessment's scores by SELFIE area.</param>
public sealed record SchoolFactsResponse(
    Guid SchoolId, string Country, string? Name, SchoolRole Role, SchoolStatus Status, int MembershipVersion,
    DateOnly? FirstAssessedOn, decimal? FirstMaturity, DateOnly? LatestAssessedOn, decimal? LatestMaturity,
    IReadOnlyDictionary<string, int> LatestScores, DateTimeOffset UpdatedAt)
{
    public static SchoolFactsResponse Of(SchoolSnapshot s) => new(
        s.SchoolId, s.Country, s.Name, s.Role, s.Status, s.MembershipVersion, s.FirstAssessedOn, s.FirstMaturity, s.LatestAssessedOn,
        s.LatestMaturity, s.LatestScores.Count == SelfieScores.Areas.Count ? SelfieScores.Areas.Zip(s.LatestScores).ToDictionary(p => p.First, p => p.Second) : [],
        s.UpdatedAt);
}

/// <summary>
/// What Clusters knows of a school, from the Registry's events: lets a front-end (and an operator) see whether a school's
/// latest change has arrived before forming a cluster with it.
/// </summary>
public static class SchoolEndpoints
{
    public static void MapSchoolFactsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(ClusterEndpoints.Route + "/schools/{schoolId:guid}", GetSchoolFacts).WithTags("Schools").WithName("GetSchoolFacts")
            .RequireAuthorization(Policies.Member);
        app.MapPost(ClusterEndpoints.Route + "/schools/rebuild", Rebuild).WithTags("Schools").WithName("RebuildSchoolFacts")
            .RequireAuthorization(Policies.NetworkAdmin);
    }

    /// <summary>The consumers whose inbox rows go with the snapshots: replayed events must be new to them again.</summary>
    private static readonly string[] SnapshotConsumers =
    [
        nameof(SchoolRegisteredConsumer), nameof(SchoolProfileUpdatedConsumer), nameof(SchoolRoleAssignedConsumer),
        nameof(SchoolStatusChangedConsumer), nameof(DigitalMaturityAssessedConsumer),
    ];

    public sealed record RebuildResponse(int SnapshotsCleared, int InboxEntriesCleared, string Next);

    /// <summary>
    /// Clears every school snapshot and the snapshot consumers' inbox in one transaction, so that the Registry's replay
    /// (<c>POST /api/v1/schools/events/replay</c>) rebuilds them from the events. Clusters and their members stay.
    /// </summary>
    internal static async Task<Ok<RebuildResponse>> Rebuild(ClustersDbContext db, Caller caller, ILogger<SchoolFacts> logger, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var snapshots = await db.SchoolSnapshots.ExecuteDeleteAsync(cancellationToken);
        var inbox = await db.Set<InboxMessage>().Where(m => SnapshotConsumers.Contains(m.Consumer)).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogWarning("{Caller} cleared {Snapshots} school snapshots and {Inbox} inbox entries for a rebuild", caller, snapshots, inbox);
        return TypedResults.Ok(new RebuildResponse(snapshots, inbox,
            "Replay the Registry's school events: POST /api/v1/schools/events/replay with the five school events."));
    }

    internal static async Task<Results<Ok<SchoolFactsResponse>, ProblemHttpResult>> GetSchoolFacts(
        Guid schoolId, ClustersDbContext db, CancellationToken cancellationToken)
    {
        var school = await db.SchoolSnapshots.AsNoTracking().FirstOrDefaultAsync(s => s.SchoolId == schoolId, cancellationToken);
        return school is null ? Problems.NotFound("School", schoolId) : TypedResults.Ok(SchoolFactsResponse.Of(school));
    }
}
