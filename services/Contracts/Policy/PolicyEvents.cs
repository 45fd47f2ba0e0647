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
