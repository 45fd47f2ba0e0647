using MenSI.Community.Live;
using MenSI.Community.Spaces;
using MenSI.Community.Unread;
using MenSI.Contracts.Community;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Messaging;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;

namespace MenSI.Community.Threads;

/// <summary>
/// A post becoming visible to readers, when a trusted member writes it or when a moderator approves a held one: the
/// counters and the events in the caller's transaction, then (after the commit) the unread counts and live listeners.
/// </summary>
internal static class Publication
{
    public static async Task AnnounceAsync(CommunityDbContext db, Space space, DiscussionThread thread, Post post, DateTimeOffset now, CancellationToken ct)
    {
        if (post.IsOpening)
        {
            await db.Spaces.Where(s => s.Id == space.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.ThreadCount, x => x.ThreadCount + 1).SetProperty(x => x.LastActivityAt, now), ct);
            db.AddIntegrationEvent(new ThreadStarted(Guid.CreateVersion7(now), now, thread.Id, space.Id, WireEnum.Name(space.Kind), space.Country,
                space.Kind == SpaceKind.Cluster ? space.Id : null, thread.Language));
        }
        else
        {
            await db.Threads.Where(t => t.Id == thread.Id)
                .ExecuteUpdateAsync(t => t.SetProperty(x => x.PostCount, x => x.PostCount + 1).SetProperty(x => x.LastPostAt, now), ct);
            await db.TouchSpaceAsync(space.Id, now, ct);
        }

        db.AddIntegrationEvent(new PostPublished(Guid.CreateVersion7(now), now, post.Id, thread.Id, space.Id, space.Country, !post.IsOpening));
    }

    /// <summary>
    /// After the commit, best effort: with Redis down the post is still published, a count may lag by one until the
    /// space's set is rebuilt (within the hour), and live listeners find it in the feed.
    /// </summary>
    public static async Task AnnouncedAsync(UnreadCounts unread, LiveUpdates live, Post post)
    {
        try
        {
            await unread.PublishedAsync(post.SpaceId, post.Id, post.CreatedAt);
        }
        catch (RedisException)
        {
            // See above: bounded drift, no lost post.
        }

        await live.AnnounceAsync("post-published", post.SpaceId, post.ThreadId, post.Id, post.CreatedAt);
    }
}
