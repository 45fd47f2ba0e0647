using System.Collections.Concurrent;
using System.Net;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Security;
using StackExchange.Redis;

namespace MenSI.Gateway;

/// <summary>
/// The gateway's rate limits, counted in Redis so they hold across every gateway instance: one counter per caller (a
/// signed-in subject, else the client's address) whose window starts at its first request and ends when the key expires.
/// A caller far below its limit costs no round trip: its requests are counted here and added to Redis in the background
/// every <see cref="FlushEvery"/>, within a share of what is left below half the limit (<see cref="AssumedInstances"/>).
/// Beyond that share every request asks Redis first, so the limit itself is exact across instances. While Redis
/// is unreachable each instance counts on its own (a limit per instance beats refusing everyone or limiting no one), and
/// says so in its log. Health probes are never limited: an operator must always see the state.
/// </summary>
public sealed class GatewayRateLimiting : IMiddleware, IAsyncDisposable
{
    private const string KeyPrefix = "mensi:gateway:rate:";
    public static readonly TimeSpan FlushEvery = TimeSpan.FromMilliseconds(100);
    /// <summary>How many gateway instances the local allowance is shared among; with more, a caller could pass its limit by a little.</summary>
    public const int AssumedInstances = 8;

    // Add n, start the window on the first request, and say the count and how long the window has left.
    private static readonly LuaScript Count = LuaScript.Prepare("""
        local n = redis.call('INCRBY', @key, @n)
        local ttl = redis.call('PTTL', @key)
        if ttl < 0 then redis.call('PEXPIRE', @key, @window) ttl = tonumber(@window) end
        return { n, ttl }
        """);

    private readonly IConnectionMultiplexer _redis;
    private readonly RateLimitSettings _limits;
    private readonly ILogger<GatewayRateLimiting> _logger;
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _flusher;
    private int _degraded;

    public GatewayRateLimiting(IConnectionMultiplexer redis, RateLimitSettings limits, ILogger<GatewayRateLimiting> logger)
    {
        (_redis, _limits, _logger) = (redis, limits, logger);
        _flusher = FlushLoopAsync(_stop.Token);
    }

    /// <summary>This instance's view of one caller's window.</summary>
    private sealed class Window(RateLimit limit)
    {
        public RateLimit Limit { get; } = limit;
        public long Known;          // Redis' count at the last exchange (this instance's and others')
        public long Pending;        // this instance's requests not yet added to Redis
        public DateTime EndsAt;     // when the window (Redis' key) expires, as last heard; MinValue: not yet
        public readonly object Gate = new();
    }

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Path.StartsWithSegments("/health") || context.Request.Path.StartsWithSegments("/alive"))
        {
            await next(context);
            return;
        }

        var caller = Caller.From(context.User);
        var (key, limit) = caller.IsAuthenticated
            ? ("sub:" + caller.Subject, _limits.Authenticated)
            : ("ip:" + (context.Connection.RemoteIpAddress ?? IPAddress.None), _limits.Anonymous);
        var (allowed, retryAfter) = await AdmitAsync(key, limit);
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

    private async Task<(bool Allowed, TimeSpan RetryAfter)> AdmitAsync(string key, RateLimit limit)
    {
        var now = DateTime.UtcNow;
        var window = _windows.GetOrAdd(key, _ => new Window(limit));
        lock (window.Gate)
        {
            if (window.EndsAt != DateTime.MinValue && now >= window.EndsAt) (window.Known, window.Pending, window.EndsAt) = (0, 0, DateTime.MinValue);
            // Far below the limit (and the window known): count here, Redis hears of it in the background. Each of up to
            // AssumedInstances gateways may do so with its share of what is left below half the limit, so together they
            // never pass it before one of them asks Redis.
            if (window.EndsAt != DateTime.MinValue && window.Pending + 1 <= (limit.PermitLimit / 2 - window.Known) / AssumedInstances)
            {
                window.Pending++;
                return (true, TimeSpan.Zero);
            }
        }

        // Near the limit, or a new window: ask Redis, adding this request to what this instance has not told it yet.
        long send;
        lock (window.Gate) { send = window.Pending + 1; window.Pending = 0; }
        var counted = await CountAsync(key, send, limit.Window);
        if (counted is not { } result)
        {
            lock (window.Gate)
            {
                // Redis away: this instance's own count, in a window of its own.
                if (window.EndsAt == DateTime.MinValue || now >= window.EndsAt) (window.Known, window.EndsAt) = (0, now + limit.Window);
                window.Known += send;
                return (window.Known <= limit.PermitLimit, window.EndsAt - now);
            }
        }

        lock (window.Gate)
        {
            window.Known = result.Count;
            window.EndsAt = now + result.TimeLeft;
        }

        return (result.Count <= limit.PermitLimit, result.TimeLeft);
    }

    private async Task<(long Count, TimeSpan TimeLeft)?> CountAsync(string key, long n, TimeSpan window)
    {
        if (!_redis.IsConnected) return Degraded(null);
        try
        {
            var result = (RedisResult[])(await _redis.GetDatabase().ScriptEvaluateAsync(Count,
                new { key = (RedisKey)(KeyPrefix + key), n, window = (long)window.TotalMilliseconds }))!;
            if (Interlocked.Exchange(ref _degraded, 0) == 1) _logger.LogInformation("Rate limits are counted in Redis again, across all gateway instances.");
            return ((long)result[0], TimeSpan.FromMilliseconds((long)result[1]));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return Degraded(e);
        }
    }

    private (long, TimeSpan)? Degraded(Exception? e)
    {
        if (Interlocked.Exchange(ref _degraded, 1) == 0) _logger.LogWarning(e, "Redis is unreachable: rate limits are counted per gateway instance until it is back.");
        return null;
    }

    /// <summary>Tells Redis what this instance counted locally, and forgets windows that have ended.</summary>
    private async Task FlushLoopAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(FlushEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var now = DateTime.UtcNow;
                foreach (var (key, window) in _windows)
                {
                    long send;
                    lock (window.Gate)
                    {
                        if (window.EndsAt != DateTime.MinValue && now >= window.EndsAt && window.Pending == 0)
                        {
                            _windows.TryRemove(key, out _);
                            continue;
                        }

                        send = window.Pending;
                        window.Pending = 0;
                    }

                    if (send == 0) continue;
                    if (await CountAsync(key, send, window.Limit.Window) is { } result)
                    {
                        lock (window.Gate) { window.Known = result.Count; window.EndsAt = now + result.TimeLeft; }
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _flusher;
        _stop.Dispose();
    }
}
