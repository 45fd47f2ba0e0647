using MenSI.Community.Live;
using MenSI.Community.Resources;
using MenSI.Community.Spaces;
using MenSI.Community.Threads;
using MenSI.Community.Unread;
using MenSI.Contracts.Community;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Messaging;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;

namespace MenSI.Community.Moderation;

public enum ModerationAction { Hide, Restore, Approve }

/// <summary>A held post or resource waiting for a moderator: what it says, so they can decide without opening it.</summary>
public sealed record HeldContent(ContentKind ContentKind, Guid ContentId, Guid SpaceId, Guid? ThreadId, string Text, DateTimeOffset WrittenAt);

/// <summary>The moderation state of a post or a resource, whichever it is.</summary>
internal sealed record ModeratedContent(Guid Id, Guid SpaceId, bool Hidden, bool AwaitingApproval, string? Reason)
{
    public static Task<ModeratedContent?> FindAsync(CommunityDbContext db, ContentKind kind, Guid id, CancellationToken ct) => kind == ContentKind.Post
        ? db.Posts.Where(p => p.Id == id).Select(p => new ModeratedContent(p.Id, p.SpaceId, p.Hidden, p.AwaitingApproval, p.ModerationReason)).FirstOrDefaultAsync(ct)
        : db.Resources.Where(r => r.Id == id).Select(r => new ModeratedContent(r.Id, r.SpaceId, r.Hidden, r.AwaitingApproval, r.ModerationReason)).FirstOrDefaultAsync(ct);

    /// <summary>Held and not yet rejected (a rejection keeps it held, with the moderator's reason, so it can still be approved).</summary>
    public static async Task<Page<HeldContent>> HeldAsync(CommunityDbContext db, IQueryable<Guid> spaces, PageQuery paging, CancellationToken ct)
    {
        var posts = db.Posts.AsNoTracking().Where(p => p.AwaitingApproval && p.ModerationReason == null && spaces.Contains(p.SpaceId));
        var resources = db.Resources.AsNoTracking().Where(r => r.AwaitingApproval && r.ModerationReason == null && spaces.Contains(r.SpaceId));
        var wanted = paging.Skip + paging.Size;
        // A moderation queue is short: the two kinds are merged in memory, taking no more of each than the page needs.
        var merged = (await posts.OrderBy(p => p.CreatedAt).Take(wanted).Select(p => new HeldContent(ContentKind.Post, p.Id, p.SpaceId, p.ThreadId, p.Markdown, p.CreatedAt)).ToListAsync(ct))
            .Concat(await resources.OrderBy(r => r.SharedAt).Take(wanted)
                .Select(r => new HeldContent(ContentKind.Resource, r.Id, r.SpaceId, null, r.Title + "\n" + r.Url, r.SharedAt)).ToListAsync(ct))
            .OrderBy(h => h.WrittenAt).ThenBy(h => h.ContentId).Skip(paging.Skip).Take(paging.Size).ToList();
        return new Page<HeldContent>(merged, paging.PageNumber, paging.Size, await posts.CountAsync(ct) + await resources.CountAsync(ct));
    }

    /// <summary>Whether the action applies to content in this state.</summary>
    public RuleViolation? Forbids(ModerationAction action) => action switch
    {
        ModerationAction.Hide when Hidden && !(AwaitingApproval && Reason is null) => new("already-hidden", "It is hidden (or rejected) already."),
        ModerationAction.Restore when !Hidden => new("not-hidden", "It is not hidden."),
        ModerationAction.Restore when AwaitingApproval => new("awaiting-approval", "It was never published: approve it instead."),
        ModerationAction.Approve when !AwaitingApproval => new("not-awaiting-approval", "It is not waiting for approval."),
        _ => null,
    };
}

/// <summary>Hides, restores and approves posts and resources, each in one transaction with its reports settled and its event.</summary>
public sealed class ContentModeration(CommunityDbContext db, UnreadCounts unread, LiveUpdates live, TimeProvider clock)
{
    public async Task<Results<Ok<ModerationResponse>, ValidationProblem, ProblemHttpResult>> ModerateAsync(
        ContentKind kind, Guid id, ModerationAction action, ReasonRequest request, Caller caller, ResourceAccess access, CancellationToken ct)
    {
        if (ModerationEndpoints.CheckReason(request) is not { } reason) return ModerationEndpoints.InvalidReason();
        var content = await ModeratedContent.FindAsync(db, kind, id, ct);
        var space = content is null ? null : await db.ReadableSpaces(caller).FirstOrDefaultAsync(s => s.Id == content.SpaceId, ct);
        if (content is null || space is null) return Problems.NotFound(WireEnum.Name(kind), id);
        if (access.Check(caller, SpaceRules.MayModerate(caller, space), WireEnum.Name(action), $"{WireEnum.Name(kind)} {id}") is { } denied) return denied;
        if (content.Forbids(action) is { } broken) return Problems.Broken(broken);

        var now = clock.GetUtcNow();
        var outcome = action switch
        {
            ModerationAction.Hide => content.AwaitingApproval ? "rejected" : "hidden",
            ModerationAction.Restore => "restored",
            _ => "approved",
        };
        var hidden = action == ModerationAction.Hide;
        var storedReason = action == ModerationAction.Approve ? null : reason;
        Post? post = null;
        Resource? resource = null;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            if (kind == ContentKind.Post)
            {
                post = await db.Posts.FirstAsync(p => p.Id == id, ct);
                (post.Hidden, post.ModerationReason) = (hidden, storedReason);
                var thread = await db.Threads.FirstAsync(t => t.Id == post.ThreadId, ct);
                if (post.IsOpening) thread.Hidden = hidden;
                if (action == ModerationAction.Approve)
                {
                    post.AwaitingApproval = false;
                    await Publication.AnnounceAsync(db, space, thread, post, now, ct);
                }
            }
            else
            {
                resource = await db.Resources.FirstAsync(r => r.Id == id, ct);
                (resource.Hidden, resource.ModerationReason) = (hidden, storedReason);
                if (action == ModerationAction.Approve)
                {
                    resource.AwaitingApproval = false;
                    await Sharing.AnnounceAsync(db, space, resource, now, ct);
                }
            }

            await db.Reports.Where(r => r.ContentKind == kind && r.ContentId == id && r.SettledAt == null).ExecuteUpdateAsync(r => r.SetProperty(x => x.SettledAt, now), ct);
            db.AddIntegrationEvent(new ContentModerated(Guid.CreateVersion7(now), now, WireEnum.Name(kind), id, space.Id, space.Country, outcome));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        await AfterCommitAsync(action, post, resource);
        return TypedResults.Ok(new ModerationResponse(kind, id, hidden, post?.AwaitingApproval ?? resource!.AwaitingApproval, storedReason));
    }

    private async Task AfterCommitAsync(ModerationAction action, Post? post, Resource? resource)
    {
        if (post is not null && action == ModerationAction.Approve) await Publication.AnnouncedAsync(unread, live, post);
        if (resource is not null && action == ModerationAction.Approve) await live.AnnounceAsync("resource-shared", resource.SpaceId, null, resource.Id, resource.SharedAt);
        if (post is null || action == ModerationAction.Approve) return;
        try
        {
            if (action == ModerationAction.Hide) await unread.HiddenAsync(post.SpaceId, post.Id);
            else await unread.PublishedAsync(post.SpaceId, post.Id, post.CreatedAt);
        }
        catch (RedisException)
        {
            // The decision is committed; the space's unread set is rebuilt from the database within the hour.
        }
    }
}
