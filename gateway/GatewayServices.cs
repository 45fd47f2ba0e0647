using MenSI.ServiceDefaults.Data;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;

namespace MenSI.Gateway;

/// <summary>
/// One route of the public API: a path, the service behind it, the HTTP methods it takes (all when empty) and the
/// authorization policy the gateway applies before forwarding (<c>anonymous</c> or a name from <see cref="Policies"/>).
/// Every route must name its policy: there is no default to forget.
/// </summary>
/// <c>MaxRequestBodySize</c> raises the gateway's body limit for this route (bulk imports).
/// <c>Cache</c> names the group of public reads this route's anonymous GETs are cached in (<see cref="PublicReadCache"/>).
public sealed record GatewayRoute(string Path, string Service, string? Policy = null, IReadOnlyList<string>? Methods = null, long? MaxRequestBodySize = null,
    string? Cache = null);

public static class GatewayServices
{
    /// <summary>How long a service may stay silent mid-request or mid-answer before the gateway gives up on it.</summary>
    public static readonly TimeSpan SilenceLimit = TimeSpan.FromSeconds(30);

    /// <summary>
    /// YARP, with routes from <c>Gateway:Routes</c> and each service's address from service discovery configuration
    /// (<c>services:&lt;name&gt;:http:0</c>, injected by the AppHost): no port is written down anywhere.
    /// </summary>
    public static IHostApplicationBuilder AddGatewayServices(this IHostApplicationBuilder builder)
    {
        var routes = builder.Configuration.GetSection("Gateway:Routes").Get<Dictionary<string, GatewayRoute>>() ?? [];
        var services = routes.Values.Select(r => r.Service).Distinct(StringComparer.Ordinal).ToList();

        var clusters = services.Select(service => new ClusterConfig
        {
            ClusterId = service,
            // Every replica the AppHost (or an operator) names: services:<name>:http:0, :1, ... YARP balances between them
            // (power of two choices) and stops sending to one whose connections fail until it answers again.
            Destinations = ServiceAddresses(builder.Configuration, service).Select((address, i) => (address, i))
                .ToDictionary(d => $"{service}-{d.i}", d => new DestinationConfig { Address = d.address }),
            HealthCheck = new HealthCheckConfig { Passive = new PassiveHealthCheckConfig { Enabled = true, ReactivationPeriod = TimeSpan.FromSeconds(10) } },
            // A request that hangs on a dead service must end: the client gets a 504 problem, not a spinner.
            HttpRequest = new ForwarderRequestConfig { ActivityTimeout = SilenceLimit },
        }).ToList();

        var routeConfigs = routes.Select(r => new RouteConfig
        {
            RouteId = r.Key,
            ClusterId = r.Value.Service,
            Match = new RouteMatch { Path = r.Value.Path, Methods = r.Value.Methods is { Count: > 0 } m ? m : null },
            AuthorizationPolicy = PolicyOf(r.Key, r.Value),
            CorsPolicy = GatewaySecurity.CorsPolicy,
            MaxRequestBodySize = r.Value.MaxRequestBodySize,
            Metadata = CacheGroupOf(r.Key, r.Value) is { } group ? new Dictionary<string, string> { [PublicReadCache.MetadataKey] = group } : null,
        }).ToList();

        // With the socket engine completing I/O inline (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS, set by the AppHost),
        // Kestrel may run each request on the thread its bytes arrived on instead of queueing it to the thread pool: a
        // proxied request then never changes threads. Safe only because nothing the gateway runs per request blocks.
        // Measured (perf stat on the gateway, uncached school reads, 32 connections, two runs each, alternating with and
        // without): context switches 5.4-5.5 -> 1.4 per request (nginx: 1.2), CPU 201-214 -> 168-171 us per request.
        builder.Services.Configure<SocketTransportOptions>(sockets => sockets.UnsafePreferInlineScheduling = true);
        builder.Services.AddReverseProxy()
            .LoadFromMemory(routeConfigs, clusters)
            .AddTransforms(route => route.AddResponseTransform(WholeJsonResponses.ApplyAsync))
            .ConfigureHttpClient((_, handler) =>
            {
                handler.ConnectTimeout = TimeSpan.FromSeconds(3);
                handler.PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2);
            });

        builder.AddRedis("redis");
        builder.Services.AddSingleton<CacheInvalidation>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CacheInvalidation>());
        builder.Services.AddSingleton<PublicReadCache>();
        foreach (var service in services)
        {
            var addresses = ServiceAddresses(builder.Configuration, service);
            for (var i = 0; i < addresses.Count; i++)
            {
                var address = addresses[i];
                builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(i == 0 ? $"route:{service}" : $"route:{service}:{i}",
                    _ => new RouteHealthCheck(address), HealthStatus.Degraded, ["routes"]));
            }
        }

        return builder;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        var cache = app.Services.GetRequiredService<PublicReadCache>();
        var proxyEndpoints = app.MapReverseProxy(proxy =>
        {
            proxy.Use((context, next) => cache.InvokeAsync(context, next));
            proxy.Use(ProblemForForwarderErrorAsync);
        });
        // The early body check (HttpHardening) reads an endpoint's limit from its metadata; YARP keeps it in the route.
        proxyEndpoints.ConfigureEndpoints((endpoint, route) =>
        {
            if (route.MaxRequestBodySize is { } max) endpoint.WithRequestBodyLimit(max);
        });
        return app;
    }

    private static async Task ProblemForForwarderErrorAsync(HttpContext context, Func<Task> next)
    {
        await next();
        if (context.GetForwarderErrorFeature() is { } error && !context.Response.HasStarted)
        {
            var (status, detail) = error.Error switch
            {
                ForwarderError.RequestTimedOut => (StatusCodes.Status504GatewayTimeout, "The service did not answer in time."),
                _ => (StatusCodes.Status503ServiceUnavailable, "The service behind this route is unavailable; retry shortly."),
            };
            context.Response.StatusCode = status;
            await Problems.Unavailable(context.Response, detail, status).ExecuteAsync(context);
        }
    }

    private static string? CacheGroupOf(string routeId, GatewayRoute route) =>
        route.Cache is null || CacheInvalidation.Groups.ContainsKey(route.Cache)
            ? route.Cache
            : throw new InvalidOperationException(
                $"Gateway:Routes:{routeId}:Cache names '{route.Cache}', which no event evicts; known groups: {string.Join(", ", CacheInvalidation.Groups.Keys)}.");

    private static string PolicyOf(string routeId, GatewayRoute route) =>
        route.Policy is Policies.Anonymous or Policies.NetworkAdmin or Policies.Ministry or Policies.SchoolStaff or Policies.Member
            ? route.Policy
            : throw new InvalidOperationException(
                $"Gateway:Routes:{routeId}:Policy must be one of anonymous, {Policies.NetworkAdmin}, {Policies.Ministry}, {Policies.SchoolStaff}, {Policies.Member} (it is '{route.Policy}').");

    /// <summary>Every replica's address of a service (<c>services:&lt;name&gt;:http:0</c>, <c>:1</c>, ...), in order.</summary>
    internal static List<string> ServiceAddresses(IConfiguration configuration, string service)
    {
        var addresses = configuration.GetSection($"services:{service}:http").GetChildren()
            .Where(c => !string.IsNullOrEmpty(c.Value)).OrderBy(c => int.TryParse(c.Key, out var i) ? i : int.MaxValue).Select(c => c.Value!).ToList();
        return addresses.Count > 0 ? addresses
            : throw new InvalidOperationException($"services:{service}:http:0 is not set: the AppHost injects it as services__{service}__http__0.");
    }
}

/// <summary>
/// Reports a route's service as degraded (not the gateway as down) when its /health does not answer 200. The answer is
/// kept a few seconds: the gateway's /health is public, and a caller polling it must not make every service check its
/// database on every call.
/// </summary>
internal sealed class RouteHealthCheck(string address) : IHealthCheck
{
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(3);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (DateTime At, Task<HealthCheckResult> Result)> Recent = new();

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = DateTime.UtcNow;
        var entry = Recent.AddOrUpdate(address, _ => (now, ProbeAsync(context.Registration.FailureStatus)),
            (_, recent) => now - recent.At < Freshness ? recent : (now, ProbeAsync(context.Registration.FailureStatus)));
        return entry.Result;
    }

    private async Task<HealthCheckResult> ProbeAsync(HealthStatus failureStatus)
    {
        try
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            using var response = await ServiceCalls.GetFromAnyReplicaAsync([address], "/health", patience.Token);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy(address)
                : new HealthCheckResult(failureStatus, $"{address} answered {(int)response.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new HealthCheckResult(failureStatus, $"{address} does not answer");
        }
    }
}
