namespace MenSI.Contracts.Clusters;

/// <summary>A cluster was formed around its mentor school. Exchange <c>mensi.clusters.cluster-formed</c>.</summary>
/// <remarks>The cluster's status is then forming.</remarks>
/// <param name="ClusterId">The cluster's id (UUID v7).</param>
/// <param name="Country">The mentor school's country (ISO 3166-1 alpha-2): the cluster's home country.</param>
/// <param name="MentorSchoolId">The Registry's id of the mentor school.</param>
/// <param name="Initiation">ministry or school: who started the cluster.</param>
/// <param name="Version">Per-cluster version; consumers ignore an event older than what they hold.</param>
public sealed record ClusterFormed(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid ClusterId,
    string Country,
    Guid MentorSchoolId,
    [property: OneOf("top-down", "bottom-up", "virtual", "hybrid")] string Approach,
    [property: OneOf("ministry", "school")] string Initiation,
    [property: OneOf("voluntary", "compulsory")] string Participation,
    int Version) : IIntegrationEvent;

/// <summary>A mentee school joined a cluster. Exchange <c>mensi.clusters.school-joined-cluster</c>.</summary>
/// <param name="Role">mentee (the mentor is named in <c>ClusterFormed</c>).</param>
/// <param name="Version">The cluster's version after the change.</param>
public sealed record SchoolJoinedCluster(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid ClusterId,
    Guid SchoolId,
    [property: OneOf("mentee")] string Role,
    int Version) : IIntegrationEvent;

/// <summary>A school left a cluster. Exchange <c>mensi.clusters.school-left-cluster</c>.</summary>
/// <remarks>Removed by whoever manages the cluster, or because the Registry suspended or withdrew the school while the cluster was forming.</remarks>
/// <param name="Reason">removed (by whoever manages the cluster), school-suspended or school-withdrawn (the Registry's decision).</param>
/// <param name="Version">The cluster's version after the change.</param>
public sealed record SchoolLeftCluster(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid ClusterId,
    Guid SchoolId,
    [property: OneOf("removed", "school-suspended", "school-withdrawn")] string Reason,
    int Version) : IIntegrationEvent;

/// <summary>
/// A school of an active cluster (or the mentor of a forming one) was suspended or withdrew in the Registry: it stays
/// in the cluster, flagged for the cluster's coordinators to act on. Exchange <c>mensi.clusters.cluster-school-flagged</c>.
/// </summary>
/// <param name="Flag">school-suspended or school-withdrawn; none when the school is active again.</param>
/// <param name="Version">The cluster's version after the change.</param>
public sealed record ClusterSchoolFlagged(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid ClusterId,
    Guid SchoolId,
    [property: OneOf("school-suspended", "school-withdrawn", "none")] string Flag,
    int Version) : IIntegrationEvent;

/// <summary>A cluster started its work with its mentees. Exchange <c>mensi.clusters.cluster-activated</c>.</summary>
/// <remarks>It had at least one mentee, each in no other active cluster.</remarks>
/// <param name="MenteeSchoolIds">The mentees at activation.</param>
/// <param name="ActivatedOn">The date the cluster became active.</param>
/// <param name="Version">The cluster's version after the change.</param>
public sealed record ClusterActivated(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid ClusterId,
    IReadOnlyList<Guid> MenteeSchoolIds,
    DateOnly ActivatedOn,
    int Version) : IIntegrationEvent;

/// <summary>A cluster ended: completed its work, or dissolved before. Exchange <c>mensi.clusters.cluster-completed</c>.</summary>
/// <remarks>A dissolved cluster's reason stays in Clusters.</remarks>
/// <param name="EndedOn">The date the cluster ended.</param>
/// <param name="Version">The cluster's version after the change.</param>
public sealed record ClusterCompleted(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid ClusterId,
    [property: OneOf("completed", "dissolved")] string Outcome,
    DateOnly EndedOn,
    int Version) : IIntegrationEvent;

/// <summary>
/// A mentoring activity was logged. Exchange <c>mensi.clusters.mentoring-activity-logged</c>. Figures only: who
/// took part is counted, not named.
/// </summary>
/// <remarks>Outcomes and evidence stay in Clusters.</remarks>
/// <param name="ActivityId">The activity's id (UUID v7).</param>
/// <param name="HeldOn">The date of the activity.</param>
/// <param name="ParticipantHours">Staff taking part times the activity's duration in hours.</param>
/// <param name="StaffHours">The staff hours the activity cost (preparation and delivery).</param>
/// <param name="CostEuro">Travel, substitution cover, materials and other costs, in euro.</param>
/// <param name="SchoolIds">The participating schools.</param>
public sealed record MentoringActivityLogged(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid ActivityId,
    Guid ClusterId,
    [property: OneOf("workshop", "school-visit", "job-shadowing", "peer-observation", "online-meeting", "webinar", "co-teaching", "study-visit", "professional-learning-community")] string Type,
    [property: OneOf("on-site", "online", "blended")] string Mode,
    DateOnly HeldOn,
    IReadOnlyList<Guid> SchoolIds,
    decimal ParticipantHours,
    decimal StaffHours,
    decimal CostEuro) : IIntegrationEvent;
