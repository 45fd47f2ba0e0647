using System.Net;
using System.Threading.RateLimiting;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Security;
using StackExchange.Redis;

namespace MenSI.Gateway;

/// <summary>
/// The gateway's rate limits, counted in Redis so they hold across every gateway instance: one counter per caller
/// (a signed-in subject, else the client's address) whose window starts at its first request and ends when the key
/// expires, as <see cref="FixedWindowRateLimiter"/> counts. One round trip per request. While Redis is unreachable each
/// instance counts on its own (a limit per instance beats refusing everyone or limiting no one), and says so in its log.
/// Health probes are never limited: an operator must always see the state.
/// </summary>
public sealed class GatewayRateLimiting(RequestDelegate next, IConnectionMultiplexer redis, RateLimitSettings limits, ILogger<GatewayRateLimiting> logger)
{
    private const string KeyPrefix = "mensi:gateway:rate:";

    // INCR, start the window on the first request, and say how long it has left.
    private static readonly LuaScript Count = LuaScript.Prepare("""
        local n = redis.call('INCR', @key)
        if n == 1 then redis.call('PEXPIRE', @key, @window) end
        local ttl = redis.call('PTTL', @key)
        if ttl < 0 then redis.call('PEXPIRE', @key, @window) ttl = tonumber(@window) end
        return { n, ttl }
        """);

    private readonly PartitionedRateLimiter<string> _local = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key,
        _ => Options(key.StartsWith("sub:", StringComparison.Ordinal) ? limits.Authenticated : limits.Anonymous)));
    private int _degraded;

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/health") || context.Request.Path.StartsWithSegments("/alive"))
        {
            await next(context);
            return;
        }

        var caller = Caller.From(context.User);
        var (key, limit) = caller.IsAuthenticated
            ? ("sub:" + caller.Subject, limits.Authenticated)
            : ("ip:" + (context.Connection.RemoteIpAddress ?? IPAddress.None), limits.Anonymous);
        var (allowed, retryAfter) = await CountAsync(key, limit) ?? CountLocally(key);
        if (allowed)
        {
            await next(context);
            return;
        }

        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Problems.Problem(StatusCodes.Status429TooManyRequests, ProblemTypes.TooManyRequests, "Too many requests.",
            $"The rate limit for this caller is reached; retry after {seconds} s.").ExecuteAsync(context);
    }

    private async Task<(bool Allowed, TimeSpan RetryAfter)?> CountAsync(string key, RateLimit limit)
    {
        if (!redis.IsConnected) return Degraded(null);
        try
        {
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Count,
                new { key = (RedisKey)(KeyPrefix + key), window = (long)limit.Window.TotalMilliseconds }))!;
            if (Interlocked.Exchange(ref _degraded, 0) == 1) logger.LogInformation("Rate limits are counted in Redis again, across all gateway instances.");
            return ((long)result[0] <= limit.PermitLimit, TimeSpan.FromMilliseconds((long)result[1]));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return Degraded(e);
        }
    }

    private (bool, TimeSpan)? Degraded(Exception? e)
    {
        if (Interlocked.Exchange(ref _degraded, 1) == 0)
        {
            logger.LogWarning(e, "Redis is unreachable: rate limits are counted per gateway instance until it is back.");
        }

        return null;
    }

    private (bool Allowed, TimeSpan RetryAfter) CountLocally(string key)
    {
        using var lease = _local.AttemptAcquire(key);
        return (lease.IsAcquired, lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1));
    }

    private static FixedWindowRateLimiterOptions Options(RateLimit limit) => new() { PermitLimit = limit.PermitLimit, Window = limit.Window, QueueLimit = 0 };
}
