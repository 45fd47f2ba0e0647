using StackExchange.Redis;

namespace MenSI.Community.Threads;

public sealed class PostingOptions
{
    /// <summary>Posts (threads and replies) a member may write per minute.</summary>
    public int PerMinute { get; set; } = 10;
}

/// <summary>
/// A fixed one-minute window per member in Redis (shared by every replica): the post that would exceed it is refused
/// with the seconds until the window ends. Redis away is a dependency down (503), not a reason to let posts through.
/// </summary>
public sealed class PostingLimit(IConnectionMultiplexer redis, Microsoft.Extensions.Options.IOptions<PostingOptions> options, TimeProvider clock)
{
    /// <summary>Null when the member may post now; otherwise the seconds to wait.</summary>
    public async Task<int?> TryTakeAsync(Guid member)
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var window = now / 60;
        var key = $"community:posting:{member:N}:{window}";
        var db = redis.GetDatabase();
        var count = await db.StringIncrementAsync(key);
        if (count == 1) await db.KeyExpireAsync(key, TimeSpan.FromSeconds(70));
        return count <= options.Value.PerMinute ? null : (int)((window + 1) * 60 - now);
    }
}
