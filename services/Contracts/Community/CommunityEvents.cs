namespace MenSI.Contracts.Community;

/// <summary>A member started a thread in a space. Exchange <c>mensi.community.thread-started</c>. Never the title or the text.</summary>
/// <param name="Country">The space's country (country and cluster spaces); null for network-wide spaces.</param>
/// <param name="ClusterId">The cluster of a cluster's private space; null otherwise.</param>
/// <param name="Language">The thread's language (ISO 639-1).</param>
/// <param name="SpaceId">For a cluster's space, the cluster's id.</param>
public sealed record ThreadStarted(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid ThreadId,
    Guid SpaceId,
    [property: OneOf("public", "country", "theme", "cluster")] string SpaceKind,
    string? Country,
    Guid? ClusterId,
    string Language) : IIntegrationEvent;

/// <summary>A post was published in a thread (the opening post too; a held post when a moderator approves it). Exchange <c>mensi.community.post-published</c>.</summary>
/// <remarks>Counting these gives the posts. A new member's post with a link is published (and this event sent) when a moderator approves it.</remarks>
/// <param name="IsReply">False for a thread's opening post.</param>
/// <param name="Country">The space's country.</param>
public sealed record PostPublished(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid PostId,
    Guid ThreadId,
    Guid SpaceId,
    string? Country,
    bool IsReply) : IIntegrationEvent;

/// <summary>A resource (a link with its type and licence) became visible in a space: shared by a trusted member, or approved. Exchange <c>mensi.community.resource-shared</c>. Never the title or the address.</summary>
/// <remarks>A new member's resources wait for a moderator's approval and are announced only then.</remarks>
/// <param name="Country">The space's country; null for network-wide spaces.</param>
/// <param name="Licence">SPDX id (CC-BY-4.0, …) or all-rights-reserved.</param>
/// <param name="Language">The resource's language (ISO 639-1).</param>
/// <param name="AboutCountry">The country the resource is about, when given.</param>
public sealed record ResourceShared(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid ResourceId,
    Guid SpaceId,
    string? Country,
    [property: OneOf("article", "video", "lesson-plan", "tool", "dataset", "course", "other")] string ResourceType,
    string Licence,
    string Language,
    string? AboutCountry) : IIntegrationEvent;

/// <summary>A member reported a post or a resource. Exchange <c>mensi.community.content-reported</c>. The reason stays in the service.</summary>
/// <param name="ContentId">The post's or the resource's id.</param>
/// <param name="Country">The space's country.</param>
public sealed record ContentReported(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid ReportId,
    [property: OneOf("post", "resource")] string ContentKind,
    Guid ContentId,
    Guid SpaceId,
    string? Country) : IIntegrationEvent;

/// <summary>A moderator decided on a post or a resource. Exchange <c>mensi.community.content-moderated</c>.</summary>
/// <param name="Action">hidden, restored, approved (a held item published: its post-published or resource-shared comes with it) or rejected (a held item that was never published).</param>
/// <param name="Country">The space's country.</param>
public sealed record ContentModerated(
    Guid EventId,
    DateTimeOffset OccurredAt,
    [property: OneOf("post", "resource")] string ContentKind,
    Guid ContentId,
    Guid SpaceId,
    string? Country,
    [property: OneOf("hidden", "restored", "approved", "rejected")] string Action) : IIntegrationEvent;
