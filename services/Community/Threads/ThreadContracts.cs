using System.Text.Json.Serialization;
using MenSI.ServiceDefaults.Http;

namespace MenSI.Community.Threads;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record StartThreadRequest(string? Title, string? Body, IReadOnlyList<string>? Tags, string? Language);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ReplyRequest(string? Body, Guid? QuotePostId);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record EditRequest(string? Body);

public sealed record ThreadListQuery(int? Page, int? PageSize, string? Tag);

public sealed record ThreadSummary(Guid Id, Guid SpaceId, string Title, IReadOnlyList<string> Tags, string Language, string Author, int PostCount,
    DateTimeOffset CreatedAt, DateTimeOffset LastPostAt, bool Hidden);

public sealed record QuoteResponse(Guid PostId, string Author, string Excerpt);

public sealed record ReactionCount(ReactionKind Kind, int Count);

/// <summary>A post as readers get it: sanitised HTML only (the Markdown is for its author, through the revisions).</summary>
public sealed record PostResponse(Guid Id, Guid ThreadId, string Author, bool ByYou, string Html, QuoteResponse? Quote, IReadOnlyList<ReactionCount> Reactions,
    bool Hidden, bool AwaitingApproval, DateTimeOffset CreatedAt, DateTimeOffset? EditedAt, int Revision);

public sealed record ThreadResponse(ThreadSummary Thread, Page<PostResponse> Posts);

public sealed record RevisionResponse(int Revision, string Markdown, DateTimeOffset WrittenAt);
