using MenSI.Contracts;
using MenSI.Contracts.Clusters;
using MenSI.Contracts.Community;
using MenSI.Contracts.Courses;
using MenSI.Contracts.Registry;
using MenSI.ServiceDefaults.Messaging;
using MassTransit;

namespace MenSI.Policy.Evidence;

/// <summary>
/// One inbox consumer per event Policy reads, all doing the same: log the events and project them into the facts
/// (<see cref="EvidenceProjection"/>). Concrete classes, so each has its own queue and its own name in the inbox.
/// </summary>
public abstract class EvidenceConsumer<TEvent>(PolicyDbContext db, ILogger logger) : InboxBatchConsumer<TEvent, PolicyDbContext>(db, logger)
    where TEvent : class, IIntegrationEvent
{
    protected override string InboxName => GetType().Name;

    protected override Task HandleAsync(IReadOnlyList<TEvent> events, CancellationToken cancellationToken) =>
        EvidenceProjection.RecordAsync(Db, [.. events], cancellationToken);
}

public sealed class SchoolRegisteredEvidence(PolicyDbContext db, ILogger<SchoolRegisteredEvidence> logger) : EvidenceConsumer<SchoolRegistered>(db, logger);

public sealed class SchoolRoleAssignedEvidence(PolicyDbContext db, ILogger<SchoolRoleAssignedEvidence> logger) : EvidenceConsumer<SchoolRoleAssigned>(db, logger);

public sealed class SchoolStatusChangedEvidence(PolicyDbContext db, ILogger<SchoolStatusChangedEvidence> logger) : EvidenceConsumer<SchoolStatusChanged>(db, logger);

public sealed class DigitalMaturityAssessedEvidence(PolicyDbContext db, ILogger<DigitalMaturityAssessedEvidence> logger) : EvidenceConsumer<DigitalMaturityAssessed>(db, logger);

public sealed class ClusterFormedEvidence(PolicyDbContext db, ILogger<ClusterFormedEvidence> logger) : EvidenceConsumer<ClusterFormed>(db, logger);

public sealed class SchoolJoinedClusterEvidence(PolicyDbContext db, ILogger<SchoolJoinedClusterEvidence> logger) : EvidenceConsumer<SchoolJoinedCluster>(db, logger);

public sealed class SchoolLeftClusterEvidence(PolicyDbContext db, ILogger<SchoolLeftClusterEvidence> logger) : EvidenceConsumer<SchoolLeftCluster>(db, logger);

public sealed class ClusterActivatedEvidence(PolicyDbContext db, ILogger<ClusterActivatedEvidence> logger) : EvidenceConsumer<ClusterActivated>(db, logger);

public sealed class ClusterCompletedEvidence(PolicyDbContext db, ILogger<ClusterCompletedEvidence> logger) : EvidenceConsumer<ClusterCompleted>(db, logger);

public sealed class MentoringActivityLoggedEvidence(PolicyDbContext db, ILogger<MentoringActivityLoggedEvidence> logger) : EvidenceConsumer<MentoringActivityLogged>(db, logger);

public sealed class LearnerEnrolledEvidence(PolicyDbContext db, ILogger<LearnerEnrolledEvidence> logger) : EvidenceConsumer<LearnerEnrolled>(db, logger);

public sealed class CourseCompletedEvidence(PolicyDbContext db, ILogger<CourseCompletedEvidence> logger) : EvidenceConsumer<CourseCompleted>(db, logger);

public sealed class ThreadStartedEvidence(PolicyDbContext db, ILogger<ThreadStartedEvidence> logger) : EvidenceConsumer<ThreadStarted>(db, logger);

public sealed class PostPublishedEvidence(PolicyDbContext db, ILogger<PostPublishedEvidence> logger) : EvidenceConsumer<PostPublished>(db, logger);

public sealed class ResourceSharedEvidence(PolicyDbContext db, ILogger<ResourceSharedEvidence> logger) : EvidenceConsumer<ResourceShared>(db, logger);

internal static class EvidenceConsumers
{
    public static void AddEvidenceConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<SchoolRegisteredEvidence>((_, c) => InboxBatch.Configure(c));
        bus.AddConsumer<SchoolRoleAssignedEvidence>((_, c) => InboxBatch.Configure(c));
        bus.AddConsumer<SchoolStatusChangedEvidence>((_, c) => InboxBatch.Configure(c));
        bus.AddConsumer<DigitalMaturityAssessedEvidence>((_, c) => InboxBatch.Configure(c));
        bus.AddConsumer<ClusterFormedEvidence>((_, c) => InboxBatch.Configure(c));
        bus.AddConsumer<SchoolJoinedClusterEvidence>((_, c) => InboxBatch.Configure(c));
        bus.AddConsumer<SchoolLeftClusterEvidence>((_, c) => InboxBatch.Configure(c));
        bus.AddConsumer<ClusterActivatedEvidence>((_, c) => InboxBatch.Configure(c));
        bus.AddConsumer<ClusterCompletedEvidence>((_, c) => InboxBatch.Configure(c));
        bus.AddConsumer<MentoringActivityLoggedEvidence>((_, c) => InboxBatch.Configure(c));
        bus.AddConsumer<LearnerEnrolledEvidence>((_, c) => InboxBatch.Configure(c));
        bus.AddConsumer<CourseCompletedEvidence>((_, c) => InboxBatch.Configure(c));
        bus.AddConsumer<ThreadStartedEvidence>((_, c) => InboxBatch.Configure(c));
        bus.AddConsumer<PostPublishedEvidence>((_, c) => InboxBatch.Configure(c));
        bus.AddConsumer<ResourceSharedEvidence>((_, c) => InboxBatch.Configure(c));
    }
}
