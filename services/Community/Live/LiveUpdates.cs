using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using StackExchange.Redis;

namespace MenSI.Community.Live;

/// <summary>
/// What a live listener is told: <c>post-published</c>, <c>resource-shared</c>, <c>webinar-scheduled</c>, plus
/// <c>ready</c> once listening and <c>ping</c> every <see cref="LiveUpdates.PingEvery"/> (which keeps proxies from
/// closing a quiet stream). Ids only: the client reads what it wants to show through the API, under the usual rules.
/// </summary>
public sealed record LiveMessage(string Kind, Guid? SpaceId, Guid? ThreadId, Guid? SubjectId, DateTimeOffset At);

/// <summary>
/// Fans what was just published out to every listener on every replica: each announcement goes through one Redis
/// channel, and each replica subscribes once and hands it to its listeners' bounded queues (a slow listener loses its
/// oldest messages, never the replica's memory). Missed messages are not replayed: a client that reconnects catches up
/// with the unread counts and the activity feed.
/// </summary>
public sealed class LiveUpdates(IConnectionMultiplexer redis) : IDisposable
{
    public static readonly TimeSpan PingEvery = TimeSpan.FromSeconds(15);
    private static readonly RedisChannel Announcements = RedisChannel.Literal("community:live");
    private readonly ConcurrentDictionary<Channel<LiveMessage>, byte> _listeners = new();
    private readonly SemaphoreSlim _subscribing = new(1, 1);
    private volatile bool _subscribed;

    /// <summary>After the commit; best effort: a live update lost with Redis is caught up by unread counts and the feed.</summary>
    public async Task AnnounceAsync(string kind, Guid space, Guid? thread, Guid subject, DateTimeOffset at)
    {
        try
        {
            await redis.GetSubscriber().PublishAsync(Announcements, JsonSerializer.Serialize(new LiveMessage(kind, space, thread, subject, at)));
        }
        catch (RedisException)
        {
            // Redis is down: the change itself is committed, and readers find it in the feed.
        }
    }

    public async Task<Listener> ListenAsync()
    {
        if (!_subscribed)
        {
            await _subscribing.WaitAsync();
            try
            {
                if (!_subscribed) await redis.GetSubscriber().SubscribeAsync(Announcements, (_, message) => Deliver(message));
                _subscribed = true;
            }
            finally
            {
                _subscribing.Release();
            }
        }

        var queue = Channel.CreateBounded<LiveMessage>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        _listeners[queue] = 0;
        return new Listener(queue.Reader, () => _listeners.TryRemove(queue, out _));
    }

    public void Dispose() => _subscribing.Dispose();

    private void Deliver(RedisValue message)
    {
        if (JsonSerializer.Deserialize<LiveMessage>(message.ToString()) is not { } update) return;
        foreach (var listener in _listeners.Keys) listener.Writer.TryWrite(update);
    }

    public sealed class Listener(ChannelReader<LiveMessage> reader, Action stop) : IDisposable
    {
        public ChannelReader<LiveMessage> Reader => reader;

        public void Dispose() => stop();
    }
}
