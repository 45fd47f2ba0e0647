using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Security;

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
/// again, and decide per resource), rate limits shared by every gateway instance (<see cref="GatewayRateLimiting"/>),
/// CORS from an allow-list. Body limits are Kestrel's
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

        builder.Services.AddSingleton(builder.Configuration.GetSection("Gateway:RateLimits").Get<RateLimitSettings>() ?? new RateLimitSettings());
        builder.Services.AddSingleton<GatewayRateLimiting>();
        return builder;
    }

    public static WebApplication UseGatewaySecurity(this WebApplication app)
    {
        app.UseCors();
        app.UseMiddleware<GatewayRateLimiting>();
        return app;
    }
}
