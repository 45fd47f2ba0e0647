using System.Text.Json;
using System.Text.Json.Serialization;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace MenSI.ServiceDefaults;

/// <summary>The one call every service and the gateway make first, as in Aspire's ServiceDefaults.</summary>
public static class ServiceDefaultsExtensions
{
    public const string ReadyTag = "ready";
    public const string LiveTag = "live";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();

        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            ConfigureJson(o.SerializerOptions);
            InputGuard.Harden(o.SerializerOptions);
        });
        builder.Services.AddApiProblems();
        builder.Services.AddApiAuthorization();
        // Bound explicitly: a host that picks its own listener (tests, hosting platforms) must keep the limit.
        if (builder.Configuration.GetValue<long?>("Kestrel:Limits:MaxRequestBodySize") is { } maxBody)
        {
            builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = maxBody);
        }

        return builder;
    }

    /// <summary>The platform's JSON: camelCase, enums as kebab-case strings (never numbers), no nulls written.</summary>
    public static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
    }

    public static readonly JsonSerializerOptions Json = CreateJson();

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ConfigureJson(options);
        return options;
    }

    /// <summary>
    /// Logs, metrics and traces over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> names a collector. Without one, nothing
    /// is collected: an activity and its tags on every request and every upstream call cost the gateway a fifth of
    /// its throughput on a small GET (docs/benchmarks.md, tuning) for data nobody receives.
    /// </summary>
    private static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) return builder;

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("MassTransit", Messaging.OutboxMetrics.MeterName))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName, "MassTransit", "Npgsql")
                // Health probes run every few seconds; tracing them would drown real requests.
                .AddAspNetCoreInstrumentation(o => o.Filter = ctx =>
                    !ctx.Request.Path.StartsWithSegments("/health") && !ctx.Request.Path.StartsWithSegments("/alive"))
                .AddHttpClientInstrumentation())
            .UseOtlpExporter();
        return builder;
    }

    /// <summary>
    /// The middleware every service runs, in the right order: problems for exceptions and empty error responses,
    /// security headers and body limits, authentication and authorization (services add their scheme), then
    /// <c>/health</c> (ready to serve: database, broker, Redis) and <c>/alive</c> (the process answers). Both are always
    /// mapped, in every environment: operators and load balancers need them in production most.
    /// </summary>
    /// <param name="app">The service.</param>
    /// <param name="beforeAuthorization">Middleware that must see the authenticated caller but run before a policy can
    /// refuse it (the gateway's CORS and rate limits).</param>
    public static WebApplication UseServiceDefaults(this WebApplication app, Action<WebApplication>? beforeAuthorization = null)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseHttpHardening();
        app.UseInputGuard(); // and routing
        app.UseRequestBodyLimits();
        app.UseAuthentication();
        beforeAuthorization?.Invoke(app);
        app.UseAuthorization();
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync }).AllowAnonymous();
        app.MapHealthChecks("/alive", new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(LiveTag),
            ResponseWriter = HealthReportWriter.WriteAsync,
        }).AllowAnonymous();
        return app;
    }
}

/// <summary>
/// Health as JSON. Anyone gets the overall status (a load balancer needs no more); network admins also get each check
/// with its description, which names internal addresses and counts an outsider has no business seeing.
/// </summary>
internal static class HealthReportWriter
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        if (!Caller.From(context.User).IsNetworkAdmin)
        {
            return context.Response.WriteAsJsonAsync(new { status = report.Status.ToString() }, ServiceDefaultsExtensions.Json);
        }

        var body = new
        {
            status = report.Status.ToString(),
            totalMs = (int)report.TotalDuration.TotalMilliseconds,
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                ms = (int)e.Value.Duration.TotalMilliseconds,
            }),
        };
        return context.Response.WriteAsJsonAsync(body, ServiceDefaultsExtensions.Json);
    }
}
