namespace MenSI.Contracts.Community;

/// <summary>A member started a thread in a space. Exchange <c>mensi.community.thread-started</c>. Never the title or the text.</summary>
/// <param name="SpaceKind">public, country, theme or cluster.</param>
/// <param name="Country">The space's country (country and cluster spaces); null for network-wide spaces.</param>
/// <param name="ClusterId">The cluster of a cluster's private space; null otherwise.</param>
/// <param name="Language">The thread's language (ISO 639-1).</param>
public sealed record ThreadStarted(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid ThreadId,
    Guid SpaceId,
    string SpaceKind,
    string? Country,
    Guid? ClusterId,
    string Language) : IIntegrationEvent;

/// <summary>A post was published in a thread (the opening post too; a held post when a moderator approves it). Exchange <c>mensi.community.post-published</c>.</summary>
/// <param name="IsReply">False for a thread's opening post.</param>
public sealed record PostPublished(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid PostId,
    Guid ThreadId,
    Guid SpaceId,
    string? Country,
    bool IsReply) : IIntegrationEvent;

/// <summary>A resource (a link with its type and licence) became visible in a space: shared by a trusted member, or approved. Exchange <c>mensi.community.resource-shared</c>. Never the title or the address.</summary>
/// <param name="Country">The space's country; null for network-wide spaces.</param>
/// <param name="ResourceType">article, video, lesson-plan, tool, dataset, course or other.</param>
/// <param name="Licence">SPDX id (CC-BY-4.0, …) or all-rights-reserved.</param>
/// <param name="Language">The resource's language (ISO 639-1).</param>
/// <param name="AboutCountry">The country the resource is about, when given.</param>
public sealed record ResourceShared(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid ResourceId,
    Guid SpaceId,
    string? Country,
    string ResourceType,
    string Licence,
    string Language,
    string? AboutCountry) : IIntegrationEvent;

/// <summary>A member reported a post or a resource. Exchange <c>mensi.community.content-reported</c>. The reason stays in the service.</summary>
/// <param name="ContentKind">post or resource.</param>
public sealed record ContentReported(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid ReportId,
    string ContentKind,
    Guid ContentId,
    Guid SpaceId,
    string? Country) : IIntegrationEvent;

/// <summary>A moderator decided on a post or a resource. Exchange <c>mensi.community.content-moderated</c>.</summary>
/// <param name="ContentKind">post or resource.</param>
/// <param name="Action">hidden, restored, approved (a held item published: its post-published or resource-shared comes with it) or rejected (a held item that was never published).</param>
public sealed record ContentModerated(
    Guid EventId,
    DateTimeOffset OccurredAt,
    string ContentKind,
    Guid ContentId,
    Guid SpaceId,
    string? Country,
    string Action) : IIntegrationEvent;
