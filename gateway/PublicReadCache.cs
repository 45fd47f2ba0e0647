using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Net.Http.Headers;
using StackExchange.Redis;
using Yarp.ReverseProxy.Model;

namespace MenSI.Gateway;

/// <summary>
/// Public reads (anonymous GETs of routes that name a cache group, <c>"Cache": "schools"</c>) answered from Redis,
/// shared by every gateway instance, with <c>If-None-Match</c> answered 304 at the gateway. An entry is keyed by its
/// group's generation, and the integration events that change a group advance it (<see cref="CacheInvalidation"/>), so
/// a change is served within the events' latency. While the gateway cannot hear those events (the broker away, or not
/// yet connected) the cache is bypassed, never trusted; Redis away bypasses it too, and so does a request's
/// <c>Cache-Control: no-cache</c>. Only a 200 without cookies or
/// <c>private</c>/<c>no-store</c>, up to 256 KB, is kept, for at most <see cref="TimeToLive"/>.
/// </summary>
public sealed class PublicReadCache(IConnectionMultiplexer redis, CacheInvalidation invalidation, ILogger<PublicReadCache> logger)
{
    public const string MetadataKey = "Cache";
    public static readonly TimeSpan TimeToLive = TimeSpan.FromMinutes(10);
    private const int MaxBody = 256 * 1024;
    private const string HeadersField = "h", BodyField = "b";
    private static readonly string[] KeptHeaders = [HeaderNames.ContentType, HeaderNames.ETag, HeaderNames.LastModified, HeaderNames.ContentLanguage, HeaderNames.ContentDisposition];

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var group = context.GetReverseProxyFeature().Route.Config.Metadata?.GetValueOrDefault(MetadataKey);
        if (group is null || !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
            || context.Request.Headers.Authorization.Count > 0 || AsksForTheOrigin(context.Request) || !redis.IsConnected
            || invalidation.Generation(group) is not { } generation)
        {
            await next();
            return;
        }

        var key = $"mensi:gateway:cache:{group}:{generation}:{context.Request.Path}{context.Request.QueryString}";
        var database = redis.GetDatabase();
        HashEntry[] entry;
        try { entry = await database.HashGetAllAsync(key); }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogWarning(e, "The public read cache is unreachable; answering from the service.");
            await next();
            return;
        }

        if (entry.Length == 2)
        {
            await ServeAsync(context, entry);
            return;
        }

        await FetchAndKeepAsync(context, next, database, key);
    }

    private static async Task ServeAsync(HttpContext context, HashEntry[] entry)
    {
        var headers = JsonSerializer.Deserialize<Dictionary<string, string>>((string)entry.Single(e => e.Name == HeadersField).Value!)!;
        var response = context.Response;
        response.Headers["X-Cache"] = "hit";
        response.Headers.CacheControl = "public, no-cache"; // clients revalidate: a 304 from here costs nothing
        foreach (var (name, value) in headers) response.Headers[name] = value;
        if (headers.TryGetValue(HeaderNames.ETag, out var etag) && context.Request.Headers.IfNoneMatch.Any(v => v is not null && (v == "*" || v.Split(',').Any(t => t.Trim() == etag))))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            response.Headers.ContentType = default;
            return;
        }

        byte[] body = entry.Single(e => e.Name == BodyField).Value!;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method)) await response.Body.WriteAsync(body, context.RequestAborted);
    }

    private async Task FetchAndKeepAsync(HttpContext context, Func<Task> next, IDatabase database, string key)
    {
        var original = context.Response.Body;
        await using var copy = new MemoryStream();
        context.Response.Body = copy;
        try
        {
            await next();
        }
        finally
        {
            context.Response.Body = original;
        }

        var response = context.Response;
        var body = copy.ToArray();
        if (response.StatusCode == StatusCodes.Status200OK && Keepable(response) && body.Length <= MaxBody && !HttpMethods.IsHead(context.Request.Method))
        {
            if (response.Headers.ETag.Count == 0) response.Headers.ETag = $"\"g{Convert.ToHexStringLower(SHA256.HashData(body))[..20]}\"";
            var headers = KeptHeaders.Where(h => response.Headers[h].Count > 0).ToDictionary(h => h, h => response.Headers[h].ToString());
            try
            {
                var batch = database.CreateBatch();
                _ = batch.HashSetAsync(key, [new(HeadersField, JsonSerializer.Serialize(headers)), new(BodyField, body)]);
                _ = batch.KeyExpireAsync(key, TimeToLive);
                batch.Execute();
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                logger.LogWarning(e, "Could not keep a public read in the cache.");
            }

            response.Headers["X-Cache"] = "miss";
            response.Headers.CacheControl = "public, no-cache"; // as a hit says it: revalidate, and a 304 is cheap
            if (context.Request.Headers.IfNoneMatch.Any(v => v == response.Headers.ETag.ToString()))
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                response.ContentLength = null;
                return;
            }
        }

        if (body.Length > 0 || response.ContentLength is not null) await original.WriteAsync(body, context.RequestAborted);
    }

    /// <summary><c>Cache-Control: no-cache</c> (or <c>no-store</c>) from the client: answer from the service itself.</summary>
    private static bool AsksForTheOrigin(HttpRequest request) =>
        request.Headers.CacheControl.Any(v => v is not null && (v.Contains("no-cache", StringComparison.OrdinalIgnoreCase) || v.Contains("no-store", StringComparison.OrdinalIgnoreCase)));

    private static bool Keepable(HttpResponse response) =>
        response.Headers.SetCookie.Count == 0
        && !response.Headers.CacheControl.Any(v => v is not null && (v.Contains("private", StringComparison.OrdinalIgnoreCase) || v.Contains("no-store", StringComparison.OrdinalIgnoreCase)));
}
