using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using MenSI.ServiceDefaults.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace MenSI.ServiceDefaults.Http;

/// <summary>
/// <c>Idempotency-Key</c> on POSTs that create things: the first response is kept in Redis for a day and a retry with
/// the same key and the same body gets it again (with <c>Idempotent-Replayed: true</c>) instead of a second resource.
/// <list type="bullet">
/// <item>Keys belong to the caller (the token's subject; anonymous callers share one space): another caller's key is
/// another key, and never replays someone else's response.</item>
/// <item>The key is taken (an in-flight marker, kept as long as a stored response would be) before the request runs, so
/// a retry never runs it twice: while the first runs it is 409 request-in-progress; if the first one's outcome could not
/// be recorded (Redis failed after the commit, the process died), it stays 409 with <c>outcome-unknown</c> rather than
/// risk a second effect. A request that fails (an exception or a 4xx/5xx) frees its key, so a corrected retry may use it.</item>
/// <item>Endpoints whose responses hold secrets or personal data (a new client's secret, a user, a contact) keep no body:
/// <see cref="ReplayBody.Never"/> replays the status, <c>Location</c> and <c>ETag</c> only.</item>
/// <item>The same key with another body is 422. Redis away is a 503 (nothing was run).</item>
/// </list>
/// </summary>
public static class Idempotency
{
    public const string HeaderName = "Idempotency-Key";
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);
    /// <summary>How long a first request may take before a retry is told its outcome is unknown rather than "still running".</summary>
    private static readonly TimeSpan Running = TimeSpan.FromSeconds(30);

    public enum ReplayBody { Stored, Never }

    public static RouteHandlerBuilder WithIdempotency(this RouteHandlerBuilder builder, ReplayBody replayBody = ReplayBody.Stored) =>
        builder.AddEndpointFilter(new IdempotencyFilter(replayBody));

    internal sealed record StoredResponse(string RequestHash, int Status, string? Location, string? ETag, string? Body, DateTimeOffset? InFlightSince = null)
    {
        public bool InFlight => InFlightSince is not null;
    }

    internal sealed class IdempotencyFilter(ReplayBody replayBody) : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            var http = context.HttpContext;
            var key = http.Request.Headers[HeaderName].ToString();
            if (string.IsNullOrEmpty(key)) return await next(context);
            if (key.Length > 128)
            {
                return Problems.Validation(new Dictionary<string, string[]> { [HeaderName] = ["Must be at most 128 characters."] });
            }

            var db = http.RequestServices.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
            var application = http.RequestServices.GetRequiredService<IHostEnvironment>().ApplicationName;
            var caller = Caller.From(http.User).Subject ?? "anonymous";
            var redisKey = new RedisKey($"idempotency:{application}:{caller}:{http.Request.Path}:{key}");
            var requestHash = Hash(context.Arguments, http.RequestServices.GetRequiredService<IServiceProviderIsService>());

            var marker = new StoredResponse(requestHash, 0, null, null, null, DateTimeOffset.UtcNow);
            if (!await db.StringSetAsync(redisKey, JsonSerializer.Serialize(marker), Retention, When.NotExists))
            {
                var existing = await db.StringGetAsync(redisKey);
                if (existing.IsNull) return InProgress(); // freed a moment ago: the client may simply retry
                var stored = JsonSerializer.Deserialize<StoredResponse>(existing.ToString())!;
                if (stored.RequestHash != requestHash)
                {
                    return Problems.Problem(StatusCodes.Status422UnprocessableEntity, ProblemTypes.IdempotencyKeyReused,
                        "The idempotency key was used for another request.", "Use a new Idempotency-Key for a different request body.");
                }

                if (stored.InFlight)
                {
                    return DateTimeOffset.UtcNow - stored.InFlightSince < Running ? InProgress()
                        : Problems.Conflict(ProblemTypes.RequestInProgress, "The first request's outcome is unknown.",
                            "The first request with this key did not record its outcome. Check whether what it created exists before retrying with a new key.",
                            new Dictionary<string, object?> { ["outcome"] = "unknown" });
                }

                return Replay(http, stored);
            }

            object? result;
            try
            {
                result = await next(context);
            }
            catch
            {
                await FreeAsync(db, redisKey);
                throw;
            }

            var outcome = result is INestedHttpResult nested ? nested.Result : result; // unwrap Results<A, B, ...>
            var status = (outcome as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK;
            if (status is < 200 or >= 300)
            {
                await FreeAsync(db, redisKey);
                return result;
            }

            var body = replayBody == ReplayBody.Stored && outcome is IValueHttpResult { Value: { } value }
                ? JsonSerializer.Serialize(value, value.GetType(), ServiceDefaultsExtensions.Json) : null;
            var etag = http.Response.Headers.ETag.ToString();
            var response = new StoredResponse(requestHash, status, LocationOf(outcome), etag.Length > 0 ? etag : null, body);
            try
            {
                await db.StringSetAsync(redisKey, JsonSerializer.Serialize(response), Retention);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // The work is done and committed: answer it. The marker stays, so a retry is told the outcome is
                // unknown instead of running the request a second time.
            }

            return result;
        }

        private static ProblemHttpResult InProgress() =>
            Problems.Conflict(ProblemTypes.RequestInProgress, "The first request with this key is still running.",
                "Retry after a moment: the first request's result will then be returned.");

        private static async Task FreeAsync(IDatabase db, RedisKey key)
        {
            try { await db.KeyDeleteAsync(key); }
            catch (Exception e) when (e is RedisException or TimeoutException) { /* the marker stays: the key is spent, not reused */ }
        }

        private static string? LocationOf(object? result) =>
            result?.GetType().GetProperty("Location")?.GetValue(result) as string;

        private static IResult Replay(HttpContext http, StoredResponse stored)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
            if (stored.Location is not null) http.Response.Headers.Location = stored.Location;
            if (stored.ETag is not null) http.Response.Headers.ETag = stored.ETag;
            return stored.Body is null
                ? Results.StatusCode(stored.Status)
                : Results.Content(stored.Body, "application/json", Encoding.UTF8, stored.Status);
        }

        /// <summary>Hashes what the request bound (body, route and query values); injected services are not the request.</summary>
        private static string Hash(IList<object?> arguments, IServiceProviderIsService services)
        {
            var bound = arguments
                .Where(a => a is not null && !IsInfrastructure(a.GetType()) && !services.IsService(a.GetType()))
                .Select(a => JsonSerializer.Serialize(a, a!.GetType(), ServiceDefaultsExtensions.Json));
            return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', bound))));
        }

        // HttpContext, HttpRequest, HttpResponse, ClaimsPrincipal, CancellationToken, streams: handler plumbing.
        private static bool IsInfrastructure(Type type) =>
            type.Namespace is { } ns && (ns.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
                || ns.StartsWith("System.Security", StringComparison.Ordinal) || ns.StartsWith("System.Threading", StringComparison.Ordinal)
                || ns.StartsWith("System.IO", StringComparison.Ordinal));
    }
}
