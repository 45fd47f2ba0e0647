using System.Net;
using System.Threading.RateLimiting;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.RateLimiting;

namespace MenSI.Gateway;

/// <summary>One fixed window: <c>PermitLimit</c> requests per <c>Window</c>.</summary>
public sealed class RateLimit
{
    public int PermitLimit { get; set; } = 100;
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary><c>Gateway:RateLimits</c>: per signed-in user or client, and per IP address for anonymous callers.</summary>
public sealed class RateLimitSettings
{
    public RateLimit Authenticated { get; set; } = new() { PermitLimit = 600, Window = TimeSpan.FromMinutes(1) };
    public RateLimit Anonymous { get; set; } = new() { PermitLimit = 300, Window = TimeSpan.FromMinutes(1) };
}

/// <summary>
/// What the gateway adds on top of the services' own checks: token validation and route policies (services check
/// again, and decide per resource), rate limits, CORS from an allow-list. Body limits are Kestrel's
/// (<c>Kestrel:Limits:MaxRequestBodySize</c>), answered with a 413 problem by the service defaults.
/// </summary>
public static class GatewaySecurity
{
    public const string CorsPolicy = "front-ends";

    public static IHostApplicationBuilder AddGatewaySecurity(this IHostApplicationBuilder builder)
    {
        builder.AddJwtAuthentication();

        var origins = builder.Configuration.GetSection("Gateway:Cors:AllowedOrigins").Get<string[]>() ?? [];
        builder.Services.AddCors(o => o.AddPolicy(CorsPolicy, policy => policy
            .WithOrigins(origins)
            .WithMethods("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
            .WithHeaders("Authorization", "Content-Type", "If-Match", "Idempotency-Key", "traceparent")
            .WithExposedHeaders("ETag", "Location", "Retry-After")
            .SetPreflightMaxAge(TimeSpan.FromHours(1))));

        var limits = builder.Configuration.GetSection("Gateway:RateLimits").Get<RateLimitSettings>() ?? new RateLimitSettings();
        builder.Services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, limits));
            o.OnRejected = RejectAsync;
        });
        return builder;
    }

    public static WebApplication UseGatewaySecurity(this WebApplication app)
    {
        app.UseCors();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>
    /// Signed-in callers are limited by subject (a user's id or a client id), whatever address they call from;
    /// anonymous ones by IP. Health probes are never limited: an operator must always see the state.
    /// </summary>
    private static RateLimitPartition<string> Partition(HttpContext context, RateLimitSettings limits)
    {
        if (context.Request.Path.StartsWithSegments("/health") || context.Request.Path.StartsWithSegments("/alive"))
            return RateLimitPartition.GetNoLimiter("probes");

        var caller = Caller.From(context.User);
        var (key, limit) = caller.IsAuthenticated
            ? ("sub:" + caller.Subject, limits.Authenticated)
            : ("ip:" + (context.Connection.RemoteIpAddress ?? IPAddress.None), limits.Anonymous);
        return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit.PermitLimit,
            Window = limit.Window,
            QueueLimit = 0,
        });
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
        var response = rejected.HttpContext.Response;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Problems.Problem(StatusCodes.Status429TooManyRequests, ProblemTypes.TooManyRequests, "Too many requests.",
            $"The rate limit for this caller is reached; retry after {seconds} s.").ExecuteAsync(rejected.HttpContext);
    }
}
