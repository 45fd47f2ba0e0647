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

/// <summary>A member reported a post. Exchange <c>mensi.community.content-reported</c>. The reason stays in the service.</summary>
public sealed record ContentReported(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid ReportId,
    Guid PostId,
    Guid SpaceId,
    string? Country) : IIntegrationEvent;

/// <summary>A moderator hid or restored a post. Exchange <c>mensi.community.content-moderated</c>.</summary>
/// <param name="Action">hidden or restored.</param>
public sealed record ContentModerated(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid PostId,
    Guid SpaceId,
    string? Country,
    string Action) : IIntegrationEvent;
