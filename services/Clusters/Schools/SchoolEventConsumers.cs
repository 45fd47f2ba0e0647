using MenSI.Contracts.Registry;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Messaging;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Clusters.Schools;

// One consumer per Registry event: each folds its events into the schools' snapshots (SchoolFacts), in the inbox's
// transaction, a batch at a time (a 250,000-school import arrives as 250,000 events), so a duplicate has no second
// effect and a stale one changes nothing.

public sealed class SchoolRegisteredConsumer(ClustersDbContext db, SchoolFacts facts, ILogger<SchoolRegisteredConsumer> logger)
    : InboxBatchConsumer<SchoolRegistered, ClustersDbContext>(db, logger)
{
    protected override string InboxName => "SchoolRegisteredConsumer";

    protected override Task HandleAsync(IReadOnlyList<SchoolRegistered> events, CancellationToken cancellationToken) =>
        facts.FoldAsync(events, e => (e.SchoolId, e.Country), (school, e) =>
        {
            school.ApplyProfile(e.Country, e.Name, e.Version, e.OccurredAt);
            return facts.ApplyMembershipAsync(school, e.Country, e.NetworkRole, e.Status, e.Version, e.OccurredAt, cancellationToken);
        }, cancellationToken);
}

public sealed class SchoolProfileUpdatedConsumer(ClustersDbContext db, SchoolFacts facts, ILogger<SchoolProfileUpdatedConsumer> logger)
    : InboxBatchConsumer<SchoolProfileUpdated, ClustersDbContext>(db, logger)
{
    protected override string InboxName => "SchoolProfileUpdatedConsumer";

    protected override Task HandleAsync(IReadOnlyList<SchoolProfileUpdated> events, CancellationToken cancellationToken) =>
        facts.FoldAsync(events, e => (e.SchoolId, e.Country), (school, e) =>
        {
            school.ApplyProfile(e.Country, e.Name, e.Version, e.OccurredAt);
            return Task.CompletedTask;
        }, cancellationToken);
}

public sealed class SchoolRoleAssignedConsumer(ClustersDbContext db, SchoolFacts facts, ILogger<SchoolRoleAssignedConsumer> logger)
    : InboxBatchConsumer<SchoolRoleAssigned, ClustersDbContext>(db, logger)
{
    protected override string InboxName => "SchoolRoleAssignedConsumer";

    protected override Task HandleAsync(IReadOnlyList<SchoolRoleAssigned> events, CancellationToken cancellationToken) =>
        facts.FoldAsync(events, e => (e.SchoolId, e.Country), (school, e) =>
            facts.ApplyMembershipAsync(school, e.Country, e.NetworkRole, e.Status, e.Version, e.OccurredAt, cancellationToken), cancellationToken);
}

public sealed class SchoolStatusChangedConsumer(ClustersDbContext db, SchoolFacts facts, ILogger<SchoolStatusChangedConsumer> logger)
    : InboxBatchConsumer<SchoolStatusChanged, ClustersDbContext>(db, logger)
{
    protected override string InboxName => "SchoolStatusChangedConsumer";

    protected override Task HandleAsync(IReadOnlyList<SchoolStatusChanged> events, CancellationToken cancellationToken) =>
        facts.FoldAsync(events, e => (e.SchoolId, e.Country), (school, e) =>
            facts.ApplyMembershipAsync(school, e.Country, e.NetworkRole, e.Status, e.Version, e.OccurredAt, cancellationToken), cancellationToken);
}

public sealed class DigitalMaturityAssessedConsumer(ClustersDbContext db, SchoolFacts facts, ILogger<DigitalMaturityAssessedConsumer> logger)
    : InboxBatchConsumer<DigitalMaturityAssessed, ClustersDbContext>(db, logger)
{
    protected override string InboxName => "DigitalMaturityAssessedConsumer";

    protected override Task HandleAsync(IReadOnlyList<DigitalMaturityAssessed> events, CancellationToken cancellationToken) =>
        facts.FoldAsync(events, e => (e.SchoolId, e.Country), (school, e) =>
        {
            school.ApplyAssessment(e.AssessmentId, e.AssessedOn, e.Scores, e.OccurredAt);
            return Task.CompletedTask;
        }, cancellationToken);
}

/// <summary>Folds a batch of events into the schools' snapshots, and membership changes into their clusters.</summary>
public sealed partial class SchoolFacts(ClustersDbContext db, SchoolReactions reactions, ILogger<SchoolFacts> logger)
{
    /// <summary>Locks the snapshots of the events' schools (<paramref name="school"/> names each event's), then applies each event in arrival order.</summary>
    public async Task FoldAsync<TEvent>(IReadOnlyList<TEvent> events, Func<TEvent, (Guid SchoolId, string Country)> school,
        Func<SchoolSnapshot, TEvent, Task> apply, CancellationToken cancellationToken)
    {
        var snapshots = await LockAsync(events.Select(school), cancellationToken);
        foreach (var e in events) await apply(snapshots[school(e).SchoolId], e);
    }

    /// <summary>
    /// The schools' snapshots, locked for this transaction (events of one school in different queues are handled one
    /// after the other, never interleaved: a lost update would let an older version win), new ones for schools not seen
    /// yet. Rows are locked in id order, so two batches never wait on each other in a cycle. Two first events racing to
    /// create one school: one batch loses on the primary key and is retried, and then finds it.
    /// </summary>
    private async Task<Dictionary<Guid, SchoolSnapshot>> LockAsync(IEnumerable<(Guid SchoolId, string Country)> schools, CancellationToken cancellationToken)
    {
        var countries = new Dictionary<Guid, string>();
        foreach (var (id, country) in schools) countries.TryAdd(id, country);
        var ids = countries.Keys.Order().ToArray();
        var found = await db.SchoolSnapshots.FromSql($"SELECT * FROM school_snapshots WHERE school_id = ANY({ids}) ORDER BY school_id FOR UPDATE")
            .ToDictionaryAsync(s => s.SchoolId, cancellationToken);
        foreach (var id in ids.Where(id => !found.ContainsKey(id)))
        {
            found[id] = SchoolSnapshot.Empty(id, countries[id]);
            db.SchoolSnapshots.Add(found[id]);
        }

        return found;
    }

    public async Task ApplyMembershipAsync(SchoolSnapshot school, string country, string role, string status, int version,
        DateTimeOffset at, CancellationToken cancellationToken)
    {
        // A value this service does not know is a contract change it must learn: the message goes to the error queue.
        if (!WireEnum.TryParse<SchoolRole>(role, out var parsedRole) || !WireEnum.TryParse<SchoolStatus>(status, out var parsedStatus))
        {
            throw new InvalidOperationException($"Unknown network role '{role}' or status '{status}' for school {school.SchoolId}.");
        }

        var before = school.Status;
        if (!school.ApplyMembership(country, parsedRole, parsedStatus, version, at))
        {
            Stale(school.SchoolId, version, school.MembershipVersion);
            return;
        }

        if (before != parsedStatus) await reactions.ReactAsync(school.SchoolId, parsedStatus, at, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignored a stale event for school {SchoolId}: version {Version}, holding {Held}")]
    private partial void Stale(Guid schoolId, int version, int held);
}
