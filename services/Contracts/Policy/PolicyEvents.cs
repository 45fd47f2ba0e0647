namespace MenSI.Contracts.Policy;

/// <summary>A version of a case study was published. Exchange <c>mensi.policy.case-study-published</c>. Never the text.</summary>
/// <remarks>A later version supersedes it; the earlier one stays readable.</remarks>
/// <param name="Version">The document's version now published (a later version supersedes it).</param>
/// <param name="Country">The country it is about; null for a network-wide one.</param>
/// <param name="Approach">The mentoring approach studied: top-down, bottom-up, virtual or hybrid.</param>
/// <param name="ClusterIds">The clusters it studies.</param>
/// <param name="DocumentId"><c>GET /api/v1/policy/documents/{documentId}</c>.</param>
public sealed record CaseStudyPublished(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid DocumentId,
    int Version,
    string? Country,
    [property: OneOf("top-down", "bottom-up", "virtual", "hybrid")] string Approach,
    IReadOnlyList<Guid> ClusterIds) : IIntegrationEvent;

/// <summary>A version of a recommendation or guideline was published. Exchange <c>mensi.policy.recommendation-published</c>.</summary>
/// <param name="Country">The country it is for; null for the network.</param>
/// <param name="Audience">Who it addresses: ministries, school-leaders, teachers.</param>
/// <param name="SnapshotIds">The indicator snapshots it cites.</param>
public sealed record RecommendationPublished(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid DocumentId,
    int Version,
    [property: OneOf("recommendation", "guideline")] string Kind,
    string? Country,
    [property: OneOf("ministries", "school-leaders", "teachers")] IReadOnlyList<string> Audience,
    IReadOnlyList<Guid> SnapshotIds) : IIntegrationEvent;

/// <summary>An exchange session of policy makers was recorded. Exchange <c>mensi.policy.exchange-session-held</c>.</summary>
/// <param name="Countries">The participating countries.</param>
/// <param name="DocumentIds">The policy documents it discussed.</param>
public sealed record ExchangeSessionHeld(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid SessionId,
    DateOnly HeldOn,
    IReadOnlyList<string> Countries,
    IReadOnlyList<Guid> DocumentIds) : IIntegrationEvent;

/// <summary>A version of a policy challenge was published. Exchange <c>mensi.policy.challenge-published</c>. Never the text.</summary>
/// <remarks>A later version supersedes it; the earlier one stays readable.</remarks>
/// <param name="Version">The document's version now published.</param>
/// <param name="Country">The country whose challenge it is; null for a network-wide one.</param>
/// <param name="DocumentId"><c>GET /api/v1/policy/documents/{documentId}</c>.</param>
public sealed record ChallengePublished(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid DocumentId,
    int Version,
    string? Country) : IIntegrationEvent;

/// <summary>
/// A published policy document was withdrawn: it and its versions leave public view. Exchange
/// <c>mensi.policy.document-withdrawn</c>.
/// </summary>
/// <remarks>Its authors can start a new version from it and publish that.</remarks>
/// <param name="DocumentId">The document's id: it answers 404 to anyone but its authors from now on.</param>
/// <param name="Version">The version that was published until now.</param>
/// <param name="Kind">The document's kind.</param>
/// <param name="Country">The country it is about or for; null for the network.</param>
public sealed record DocumentWithdrawn(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid DocumentId,
    int Version,
    [property: OneOf("challenge", "case-study", "recommendation", "guideline")] string Kind,
    string? Country) : IIntegrationEvent;

/// <summary>
/// A country's ministry endorsed a published recommendation or guideline (another country's, or the network's). Exchange
/// <c>mensi.policy.document-endorsed</c>.
/// </summary>
/// <remarks>Once per country and document: a second endorsement by the same country publishes nothing.</remarks>
/// <param name="DocumentId"><c>GET /api/v1/policy/documents/{documentId}</c>: its <c>endorsedBy</c> lists the country.</param>
/// <param name="Version">The version published when it was endorsed.</param>
/// <param name="Country">The endorsing country (ISO 3166-1 alpha-2).</param>
public sealed record DocumentEndorsed(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid DocumentId,
    int Version,
    string Country) : IIntegrationEvent;

/// <summary>
/// A snapshot of the indicators was taken: figures that never change, for recommendations to cite. Exchange
/// <c>mensi.policy.snapshot-taken</c>.
/// </summary>
/// <param name="SnapshotId"><c>GET /api/v1/policy/snapshots/{snapshotId}</c> (JSON, or CSV with <c>format=csv</c>).</param>
/// <param name="Title">The snapshot's title.</param>
/// <param name="AsOf">The figures are as they stood at the end of this day (UTC).</param>
public sealed record SnapshotTaken(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid SnapshotId,
    string Title,
    DateOnly AsOf) : IIntegrationEvent;
