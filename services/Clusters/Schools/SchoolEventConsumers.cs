using MenSI.Contracts.Registry;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Messaging;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Clusters.Schools;

// One consumer per Registry event: each folds its event into the school's snapshot (SchoolFacts), in the inbox's
// transaction, so a duplicate has no second effect and a stale one changes nothing.

public sealed class SchoolRegisteredConsumer(ClustersDbContext db, SchoolFacts facts, ILogger<SchoolRegisteredConsumer> logger)
    : InboxConsumer<SchoolRegistered, ClustersDbContext>(db, logger)
{
    protected override async Task HandleAsync(SchoolRegistered e, CancellationToken cancellationToken)
    {
        var school = await facts.LockAsync(e.SchoolId, e.Country, cancellationToken);
        school.ApplyProfile(e.Country, e.Name, e.Version, e.OccurredAt);
        await facts.ApplyMembershipAsync(school, e.Country, e.NetworkRole, e.Status, e.Version, e.OccurredAt, cancellationToken);
    }
}

public sealed class SchoolProfileUpdatedConsumer(ClustersDbContext db, SchoolFacts facts, ILogger<SchoolProfileUpdatedConsumer> logger)
    : InboxConsumer<SchoolProfileUpdated, ClustersDbContext>(db, logger)
{
    protected override async Task HandleAsync(SchoolProfileUpdated e, CancellationToken cancellationToken) =>
        (await facts.LockAsync(e.SchoolId, e.Country, cancellationToken)).ApplyProfile(e.Country, e.Name, e.Version, e.OccurredAt);
}

public sealed class SchoolRoleAssignedConsumer(ClustersDbContext db, SchoolFacts facts, ILogger<SchoolRoleAssignedConsumer> logger)
    : InboxConsumer<SchoolRoleAssigned, ClustersDbContext>(db, logger)
{
    protected override async Task HandleAsync(SchoolRoleAssigned e, CancellationToken cancellationToken) =>
        await facts.ApplyMembershipAsync(await facts.LockAsync(e.SchoolId, e.Country, cancellationToken),
            e.Country, e.NetworkRole, e.Status, e.Version, e.OccurredAt, cancellationToken);
}

public sealed class SchoolStatusChangedConsumer(ClustersDbContext db, SchoolFacts facts, ILogger<SchoolStatusChangedConsumer> logger)
    : InboxConsumer<SchoolStatusChanged, ClustersDbContext>(db, logger)
{
    protected override async Task HandleAsync(SchoolStatusChanged e, CancellationToken cancellationToken) =>
        await facts.ApplyMembershipAsync(await facts.LockAsync(e.SchoolId, e.Country, cancellationToken),
            e.Country, e.NetworkRole, e.Status, e.Version, e.OccurredAt, cancellationToken);
}

public sealed class DigitalMaturityAssessedConsumer(ClustersDbContext db, SchoolFacts facts, ILogger<DigitalMaturityAssessedConsumer> logger)
    : InboxConsumer<DigitalMaturityAssessed, ClustersDbContext>(db, logger)
{
    protected override async Task HandleAsync(DigitalMaturityAssessed e, CancellationToken cancellationToken) =>
        (await facts.LockAsync(e.SchoolId, e.Country, cancellationToken)).ApplyAssessment(e.AssessmentId, e.AssessedOn, e.Scores, e.OccurredAt);
}

/// <summary>Loads a school's snapshot for an event and applies membership changes with their effect on clusters.</summary>
public sealed partial class SchoolFacts(ClustersDbContext db, SchoolReactions reactions, ILogger<SchoolFacts> logger)
{
    /// <summary>
    /// The snapshot, locked for this transaction (events of one school in different queues are handled one after the
    /// other, never interleaved: a lost update would let an older version win), or a new one. Two first events racing
    /// to create it: one loses on the primary key and is retried, and then finds it.
    /// </summary>
    public async Task<SchoolSnapshot> LockAsync(Guid schoolId, string country, CancellationToken cancellationToken)
    {
        var school = await db.SchoolSnapshots.FromSql($"SELECT * FROM school_snapshots WHERE school_id = {schoolId} FOR UPDATE")
            .FirstOrDefaultAsync(cancellationToken);
        if (school is not null) return school;
        school = SchoolSnapshot.Empty(schoolId, country);
        db.SchoolSnapshots.Add(school);
        return school;
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

        if (before != parsedStatus) await reactions.ReactAsync(school.SchoolId, parsedStatus, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignored a stale event for school {SchoolId}: version {Version}, holding {Held}")]
    private partial void Stale(Guid schoolId, int version, int held);
}
