using MenSI.Community.Live;
using MenSI.Community.Moderation;
using MenSI.Community.Profiles;
using MenSI.Community.Spaces;
using MenSI.Community.Unread;
using MenSI.Contracts.Community;
using MenSI.ServiceDefaults.Data;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Messaging;
using MenSI.ServiceDefaults.Security;
using MenSI.ServiceDefaults.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Community.Threads;

/// <summary>
/// Threads, posts, edits and reactions, in the spaces the caller may read. Hidden posts (and threads whose opening
/// post is hidden) are left out for everyone but the space's moderators. Only people post; a member's posts per
/// minute are limited.
/// </summary>
public static class ThreadEndpoints
{
    public static void MapThreadEndpoints(this IEndpointRouteBuilder app)
    {
        var community = app.MapGroup(SpaceEndpoints.Route).WithTags("Threads").RequireAuthorization(Policies.Member);
        community.MapGet("/spaces/{id:guid}/threads", ListThreads).WithName("ListThreads")
            .Describe(new()
            {
                ["tag"] = "Only threads carrying this tag.",
            });
        community.MapPost("/spaces/{id:guid}/threads", StartThread).WithName("StartThread").WithIdempotency();
        community.MapGet("/threads/{threadId:guid}", GetThread).WithName("GetThread");
        community.MapPost("/threads/{threadId:guid}/posts", Reply).WithName("Reply").WithIdempotency();
        community.MapPut("/posts/{postId:guid}", Edit).WithName("EditPost");
        community.MapGet("/posts/{postId:guid}/revisions", Revisions).WithName("ListPostRevisions");
        community.MapPut("/posts/{postId:guid}/reactions/{kind}", React).WithName("React")
            .Describe(new()
            {
                ["kind"] = $"The reaction: {WireEnum.Values<ReactionKind>()}.",
            });
        community.MapDelete("/posts/{postId:guid}/reactions/{kind}", Unreact).WithName("Unreact")
            .Describe(new()
            {
                ["kind"] = $"The reaction to take back: {WireEnum.Values<ReactionKind>()}.",
            });
    }

    internal static async Task<Results<Ok<Page<ThreadSummary>>, ValidationProblem, ProblemHttpResult>> ListThreads(
        Guid id, [AsParameters] ThreadListQuery query, Caller caller, CommunityDbContext db, CancellationToken ct)
    {
        var paging = new PageQuery(query.Page, query.PageSize);
        if (paging.Problem() is { } invalid) return invalid;
        var space = await db.ReadableSpaces(caller).FirstOrDefaultAsync(s => s.Id == id, ct);
        if (space is null) return Problems.NotFound("Space", id);
        var threads = db.Threads.AsNoTracking().Where(t => t.SpaceId == id);
        if (!SpaceRules.MayModerate(caller, space)) threads = threads.Where(t => !t.Hidden);
        if (query.Tag is { Length: > 0 } tag) threads = threads.Where(t => t.Tags.Contains(tag.Trim().ToLowerInvariant()));
        var page = await threads.ToPageAsync(q => q.OrderByDescending(t => t.LastPostAt).ThenBy(t => t.Id), paging, t => t, ct);
        var names = await db.NamesAsync(page.Items.Select(t => t.AuthorId), ct);
        return TypedResults.Ok(new Page<ThreadSummary>([.. page.Items.Select(t => Summary(t, names))], page.PageNumber, page.PageSize, page.TotalCount, page.TotalCountCapped));
    }

    internal static async Task<Results<Created<ThreadResponse>, ValidationProblem, ProblemHttpResult>> StartThread(
        Guid id, StartThreadRequest request, Caller caller, CommunityDbContext db, PostingLimit limit, Trust trust, UnreadCounts unread, LiveUpdates live,
        HttpContext http, TimeProvider clock, CancellationToken ct)
    {
        if (caller.UserId is not { } author) return Problems.Forbidden("Only people post: sign in as a user, not as a machine client.");
        var errors = new Dictionary<string, string[]>();
        var title = request.Title?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length > ThreadRules.MaxTitleLength) errors["title"] = [$"Required: 1 to {ThreadRules.MaxTitleLength} characters."];
        var body = ThreadRules.CheckBody(request.Body, errors);
        var tags = ThreadRules.CheckTags(request.Tags, errors);
        var language = ThreadRules.CheckLanguage(request.Language, errors);
        if (errors.Count > 0) return Problems.Validation(errors);
        var space = await db.ReadableSpaces(caller).FirstOrDefaultAsync(s => s.Id == id, ct);
        if (space is null) return Problems.NotFound("Space", id);
        if (await limit.TryTakeAsync(author) is { } wait) return TooMany(http.Response, wait);

        var now = clock.GetUtcNow();
        var thread = new DiscussionThread
        {
            Id = Guid.CreateVersion7(now), SpaceId = id, Title = title!, Tags = tags, Language = language!, AuthorId = author, CreatedAt = now, LastPostAt = now, PostCount = 1,
        };
        var post = NewPost(thread, author, body!, null, now, opening: true);
        var held = await trust.MustApproveAsync(db, caller, space, Trust.HasLinks(post.Html), ct);
        (thread.Hidden, post.Hidden, post.AwaitingApproval) = (held, held, held);
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            db.Threads.Add(thread);
            db.Posts.Add(post);
            if (!held) await Publication.AnnounceAsync(db, space, thread, post, now, ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        await UnreadCounts.MarkReadAsync(db, author, post.SpaceId, post.CreatedAt, ct);
        if (!held) await Publication.AnnouncedAsync(unread, live, post);
        var names = await db.NamesAsync([author], ct);
        return TypedResults.Created($"{SpaceEndpoints.Route}/threads/{thread.Id}",
            new ThreadResponse(Summary(thread, names), new Page<PostResponse>([ResponseOf(post, names, null, [], author)], 1, 1, 1)));
    }

    internal static async Task<Results<Ok<ThreadResponse>, ValidationProblem, ProblemHttpResult>> GetThread(
        Guid threadId, int? page, int? pageSize, Caller caller, CommunityDbContext db, CancellationToken ct)
    {
        var paging = new PageQuery(page, pageSize);
        if (paging.Problem() is { } invalid) return invalid;
        var (thread, space) = await db.ReadableThreadAsync(caller, threadId, ct);
        if (thread is null || space is null) return Problems.NotFound("Thread", threadId);
        var moderator = SpaceRules.MayModerate(caller, space);
        var me = caller.UserId;
        // A hidden thread (moderated, or held for approval) is its author's and the moderators' only.
        if (thread.Hidden && !moderator && (me is null || thread.AuthorId != me)) return Problems.NotFound("Thread", threadId);
        var posts = db.Posts.AsNoTracking().Where(p => p.ThreadId == threadId && (moderator || !p.Hidden || (p.AwaitingApproval && p.AuthorId == me)));
        var listed = await posts.ToPageAsync(q => q.OrderBy(p => p.CreatedAt).ThenBy(p => p.Id), paging, p => p, ct);
        var postIds = listed.Items.Select(p => p.Id).ToList();
        var quoteIds = listed.Items.Where(p => p.QuotePostId != null).Select(p => p.QuotePostId!.Value).ToList();
        var quotes = await db.Posts.AsNoTracking().Where(p => quoteIds.Contains(p.Id) && (moderator || !p.Hidden)).ToDictionaryAsync(p => p.Id, ct);
        var reactions = await db.Reactions.AsNoTracking().Where(r => postIds.Contains(r.PostId)).GroupBy(r => new { r.PostId, r.Kind })
            .Select(g => new { g.Key.PostId, g.Key.Kind, Count = g.Count() }).ToListAsync(ct);
        var names = await db.NamesAsync(listed.Items.Select(p => p.AuthorId).Concat(quotes.Values.Select(q => q.AuthorId)).Append(thread.AuthorId), ct);
        var items = listed.Items.Select(p => ResponseOf(p, names, p.QuotePostId is { } q && quotes.TryGetValue(q, out var quoted) ? quoted : null,
            [.. reactions.Where(r => r.PostId == p.Id).Select(r => new ReactionCount(r.Kind, r.Count))], caller.UserId)).ToList();
        return TypedResults.Ok(new ThreadResponse(Summary(thread, names), new Page<PostResponse>(items, listed.PageNumber, listed.PageSize, listed.TotalCount, listed.TotalCountCapped)));
    }

    internal static async Task<Results<Created<PostResponse>, ValidationProblem, ProblemHttpResult>> Reply(
        Guid threadId, ReplyRequest request, Caller caller, CommunityDbContext db, PostingLimit limit, Trust trust, UnreadCounts unread, LiveUpdates live,
        HttpContext http, TimeProvider clock, CancellationToken ct)
    {
        if (caller.UserId is not { } author) return Problems.Forbidden("Only people post: sign in as a user, not as a machine client.");
        var errors = new Dictionary<string, string[]>();
        var body = ThreadRules.CheckBody(request.Body, errors);
        if (errors.Count > 0) return Problems.Validation(errors);
        var (thread, space) = await db.ReadableThreadAsync(caller, threadId, ct);
        if (thread is null || space is null || (thread.Hidden && !SpaceRules.MayModerate(caller, space))) return Problems.NotFound("Thread", threadId);
        var quoted = request.QuotePostId is { } quoteId ? await db.Posts.AsNoTracking().FirstOrDefaultAsync(p => p.Id == quoteId && p.ThreadId == threadId && !p.Hidden, ct) : null;
        if (request.QuotePostId is not null && quoted is null)
            return Problems.Validation(new Dictionary<string, string[]> { ["quotePostId"] = ["Not a visible post of this thread."] });
        if (await limit.TryTakeAsync(author) is { } wait) return TooMany(http.Response, wait);

        var now = clock.GetUtcNow();
        var post = NewPost(thread, author, body!, quoted?.Id, now, opening: false);
        var held = await trust.MustApproveAsync(db, caller, space, Trust.HasLinks(post.Html), ct);
        (post.Hidden, post.AwaitingApproval) = (held, held);
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            db.Posts.Add(post);
            if (!held) await Publication.AnnounceAsync(db, space, thread, post, now, ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        await UnreadCounts.MarkReadAsync(db, author, post.SpaceId, post.CreatedAt, ct);
        if (!held) await Publication.AnnouncedAsync(unread, live, post);
        var names = await db.NamesAsync([author, quoted?.AuthorId], ct);
        return TypedResults.Created($"{SpaceEndpoints.Route}/threads/{threadId}", ResponseOf(post, names, quoted, [], author));
    }

    internal static async Task<Results<Ok<PostResponse>, ValidationProblem, ProblemHttpResult>> Edit(
        Guid postId, EditRequest request, Caller caller, CommunityDbContext db, HttpContext http, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var body = ThreadRules.CheckBody(request.Body, errors);
        if (errors.Count > 0) return Problems.Validation(errors);
        var post = await db.Posts.FirstOrDefaultAsync(p => p.Id == postId, ct);
        if (post is null || await db.ReadableSpaces(caller).AllAsync(s => s.Id != post.SpaceId, ct)) return Problems.NotFound("Post", postId);
        if (post.AuthorId is null || post.AuthorId != caller.UserId) return Problems.Forbidden("Only a post's author edits it.");
        if (ETags.CheckIfMatch(http.Request, post.Revision) is { } precondition) return precondition;

        var now = clock.GetUtcNow();
        db.PostRevisions.Add(new PostRevision { PostId = post.Id, Revision = post.Revision, Markdown = post.Markdown, WrittenAt = post.EditedAt ?? post.CreatedAt });
        var title = post.IsOpening ? await db.Threads.Where(t => t.Id == post.ThreadId).Select(t => t.Title).FirstAsync(ct) : null;
        (post.Markdown, post.Html, post.SearchText, post.EditedAt) = (body!, Markdown.ToSafeHtml(body!), SearchTextOf(title, body!), now);
        post.Revision++;
        await db.SaveChangesAsync(ct);
        ETags.Set(http.Response, post.Revision);
        var names = await db.NamesAsync([post.AuthorId], ct);
        return TypedResults.Ok(ResponseOf(post, names, null, [], caller.UserId));
    }

    internal static async Task<Results<Ok<List<RevisionResponse>>, ProblemHttpResult>> Revisions(Guid postId, Caller caller, CommunityDbContext db, CancellationToken ct)
    {
        var post = await db.Posts.AsNoTracking().FirstOrDefaultAsync(p => p.Id == postId, ct);
        var space = post is null ? null : await db.ReadableSpaces(caller).FirstOrDefaultAsync(s => s.Id == post.SpaceId, ct);
        if (post is null || space is null) return Problems.NotFound("Post", postId);
        // The history of a text is its author's and the moderators': readers see the current version.
        if (post.AuthorId != caller.UserId && !SpaceRules.MayModerate(caller, space)) return Problems.Forbidden("A post's revisions are for its author and the space's moderators.");
        var earlier = await db.PostRevisions.AsNoTracking().Where(r => r.PostId == postId).OrderBy(r => r.Revision)
            .Select(r => new RevisionResponse(r.Revision, r.Markdown, r.WrittenAt)).ToListAsync(ct);
        earlier.Add(new RevisionResponse(post.Revision, post.Markdown, post.EditedAt ?? post.CreatedAt));
        return TypedResults.Ok(earlier);
    }

    internal static Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> React(
        Guid postId, string kind, Caller caller, CommunityDbContext db, TimeProvider clock, CancellationToken ct) => ReactAsync(postId, kind, true, caller, db, clock, ct);

    internal static Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Unreact(
        Guid postId, string kind, Caller caller, CommunityDbContext db, TimeProvider clock, CancellationToken ct) => ReactAsync(postId, kind, false, caller, db, clock, ct);

    /// <summary>Idempotent both ways: reacting twice is one reaction, removing one that is not there changes nothing.</summary>
    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ReactAsync(
        Guid postId, string kind, bool add, Caller caller, CommunityDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (!WireEnum.TryParse<ReactionKind>(kind, out var reaction))
            return Problems.Validation(new Dictionary<string, string[]> { ["kind"] = [$"One of {WireEnum.Values<ReactionKind>()}."] });
        if (caller.UserId is not { } member) return Problems.Forbidden("Only people react.");
        var post = await db.Posts.AsNoTracking().FirstOrDefaultAsync(p => p.Id == postId && !p.Hidden, ct);
        if (post is null || await db.ReadableSpaces(caller).AllAsync(s => s.Id != post.SpaceId, ct)) return Problems.NotFound("Post", postId);
        if (add)
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO reactions (post_id, member_id, kind, at) VALUES ({postId}, {member}, {reaction.ToString()}, {clock.GetUtcNow()}) ON CONFLICT DO NOTHING
                """, ct);
        }
        else
        {
            await db.Reactions.Where(r => r.PostId == postId && r.MemberId == member && r.Kind == reaction).ExecuteDeleteAsync(ct);
        }

        return TypedResults.NoContent();
    }

    private static Post NewPost(DiscussionThread thread, Guid author, string body, Guid? quote, DateTimeOffset now, bool opening) => new()
    {
        Id = Guid.CreateVersion7(now), ThreadId = thread.Id, SpaceId = thread.SpaceId, AuthorId = author, IsOpening = opening, Markdown = body,
        Html = Markdown.ToSafeHtml(body), SearchText = SearchTextOf(opening ? thread.Title : null, body), Language = thread.Language, QuotePostId = quote,
        CreatedAt = now, Revision = 1,
    };

    private static string SearchTextOf(string? title, string body) => title is null ? body : title + "\n" + body;

    private static ProblemHttpResult TooMany(HttpResponse response, int seconds)
    {
        response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problems.Problem(StatusCodes.Status429TooManyRequests, ProblemTypes.TooManyRequests, "Too many posts.",
            $"The posting limit per member and minute is reached; nothing was posted. Retry after {seconds} seconds.");
    }

    internal static ThreadSummary Summary(DiscussionThread t, IReadOnlyDictionary<Guid, string> names) =>
        new(t.Id, t.SpaceId, t.Title, t.Tags, t.Language, Names.Of(t.AuthorId, names), t.PostCount, t.CreatedAt, t.LastPostAt, t.Hidden);

    internal static PostResponse ResponseOf(Post p, IReadOnlyDictionary<Guid, string> names, Post? quoted, IReadOnlyList<ReactionCount> reactions, Guid? caller) =>
        new(p.Id, p.ThreadId, Names.Of(p.AuthorId, names), p.AuthorId is not null && p.AuthorId == caller, p.Html,
            quoted is null ? null : new QuoteResponse(quoted.Id, Names.Of(quoted.AuthorId, names), quoted.Markdown.Length > 200 ? quoted.Markdown[..200] + "…" : quoted.Markdown),
            reactions, p.Hidden, p.AwaitingApproval, p.CreatedAt, p.EditedAt, p.Revision);
}
