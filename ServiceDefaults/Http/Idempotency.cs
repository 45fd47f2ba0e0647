using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace MenSI.ServiceDefaults.Http;

/// <summary>
/// <c>Idempotency-Key</c> on POSTs that create things: the first response is kept in Redis for a day and a retry with
/// the same key and the same body gets it again (with <c>Idempotent-Replayed: true</c>) instead of a second resource.
/// The same key with another body is 422; a retry while the first is still running is 409.
/// Failed requests are not kept, so a client can correct its body and retry under the same key.
/// </summary>
public static class Idempotency
{
    public const string HeaderName = "Idempotency-Key";
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);
    private static readonly TimeSpan InFlightLock = TimeSpan.FromSeconds(30);
    private const string InFlight = "in-flight";

    public static RouteHandlerBuilder WithIdempotency(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<IdempotencyFilter>();

    internal sealed record StoredResponse(string RequestHash, int Status, string? Location, string? ETag, string? Body);

    internal sealed class IdempotencyFilter(IConnectionMultiplexer redis, IHostEnvironment environment) : IEndpointFilter
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

            var db = redis.GetDatabase();
            var redisKey = new RedisKey($"idempotency:{environment.ApplicationName}:{http.Request.Path}:{key}");
            var requestHash = Hash(context.Arguments, http.RequestServices.GetRequiredService<IServiceProviderIsService>());

            if (!await db.StringSetAsync(redisKey, InFlight, InFlightLock, When.NotExists))
            {
                var existing = await db.StringGetAsync(redisKey);
                if (existing.IsNull || existing == InFlight)
                {
                    return Problems.Conflict(ProblemTypes.RequestInProgress, "The first request with this key is still running.",
                        "Retry after a moment: the first request's result will then be returned.");
                }

                var stored = JsonSerializer.Deserialize<StoredResponse>(existing.ToString())!;
                if (stored.RequestHash != requestHash)
                {
                    return Problems.Problem(StatusCodes.Status422UnprocessableEntity, ProblemTypes.IdempotencyKeyReused,
                        "The idempotency key was used for another request.", "Use a new Idempotency-Key for a different request body.");
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
                await db.KeyDeleteAsync(redisKey);
                throw;
            }

            var outcome = result is INestedHttpResult nested ? nested.Result : result; // unwrap Results<A, B, ...>
            var status = (outcome as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK;
            if (status is < 200 or >= 300)
            {
                await db.KeyDeleteAsync(redisKey);
                return result;
            }

            var body = outcome is IValueHttpResult { Value: { } value } ? JsonSerializer.Serialize(value, value.GetType(), ServiceDefaultsExtensions.Json) : null;
            var etag = http.Response.Headers.ETag.ToString();
            var response = new StoredResponse(requestHash, status, LocationOf(outcome), etag.Length > 0 ? etag : null, body);
            await db.StringSetAsync(redisKey, JsonSerializer.Serialize(response), Retention);
            return result;
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
