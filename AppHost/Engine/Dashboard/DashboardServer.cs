using System.Collections.Concurrent;
using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MenSI.Hosting.Dashboard;

/// <summary>
/// The operator's page, on 127.0.0.1 only: every resource (state, health, PID, uptime, restarts, endpoints, outbox
/// backlog) with stop, start and restart; live logs with search; the broker's queues, where a failed message is read
/// and moved back to its queue. A browser signs in once with a one-time link the console prints (as Aspire's does);
/// after that a session cookie (HttpOnly, SameSite=Strict) admits it, and every change must come from the page's own
/// script (a header no other site can send), so another tab's page cannot stop your network.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private const string SessionCookie = "mensi-dashboard";
    private const string ScriptHeader = "X-Dashboard-Request";
    private readonly DistributedApplication _app;
    private readonly ConcurrentDictionary<string, byte> _sessions = new(StringComparer.Ordinal);
    private readonly Lock _tokenLock = new();
    private WebApplication _web = null!;
    private DashboardData _data = null!;
    private string _loginToken = "";

    private DashboardServer(DistributedApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    /// <summary>Serves the dashboard on <paramref name="port"/> (another free port when it is taken).</summary>
    public static async Task<DashboardServer> StartAsync(DistributedApplication app, int port)
    {
        var dashboard = new DashboardServer(app);
        if (port == 0 || !Ports.IsFree(port)) port = Ports.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.KebabCaseLower)));
        dashboard._web = builder.Build();
        dashboard._data = new DashboardData(app);
        dashboard.Map(dashboard._web, dashboard._data);
        await dashboard._web.StartAsync();
        dashboard.Address = new Uri($"http://localhost:{port}/");
        return dashboard;
    }

    /// <summary>A sign-in link that works once; the previous unused one stops working.</summary>
    public Uri NewLoginLink()
    {
        lock (_tokenLock)
        {
            _loginToken = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
            return LoginLink;
        }
    }

    /// <summary>The sign-in link not yet used (a new one is made when it is).</summary>
    public Uri LoginLink
    {
        get { lock (_tokenLock) return new Uri(Address, "login?t=" + _loginToken); }
    }

    private bool TakeLoginToken(string? offered)
    {
        lock (_tokenLock)
        {
            if (offered is null || _loginToken.Length == 0 ||
                !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(offered), Encoding.ASCII.GetBytes(_loginToken))) return false;
            _loginToken = "";
            return true;
        }
    }

    private void Map(WebApplication web, DashboardData data)
    {
        web.Use(async (context, next) =>
        {
            // Only names of this machine: a DNS name pointed at 127.0.0.1 by another site gets nothing (DNS rebinding).
            if (context.Request.Host.Host is not ("localhost" or "127.0.0.1"))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            context.Response.Headers["Content-Security-Policy"] = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
            context.Response.Headers["X-Content-Type-Options"] = "nosniff";
            context.Response.Headers["Referrer-Policy"] = "no-referrer";
            context.Response.Headers.CacheControl = "no-store";
            if (context.Request.Path == "/login") { await next(context); return; }

            var signedIn = context.Request.Cookies.TryGetValue(SessionCookie, out var session) && _sessions.ContainsKey(session);
            if (!signedIn)
            {
                await Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign in with the link the AppHost printed in its console.").ExecuteAsync(context);
                return;
            }

            if (!HttpMethods.IsGet(context.Request.Method) && context.Request.Headers[ScriptHeader] != "1")
            {
                await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Changes come from the dashboard's own page.").ExecuteAsync(context);
                return;
            }

            await next(context);
        });

        web.MapGet("/login", (string? t, HttpContext context) =>
        {
            if (!TakeLoginToken(t))
            {
                return Results.Content("<!doctype html><title>MenSI dashboard</title><p>This sign-in link is not valid (each works once). " +
                                       "The AppHost's console prints a new one.</p>", "text/html; charset=utf-8", statusCode: StatusCodes.Status401Unauthorized);
            }

            var session = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
            _sessions[session] = 0;
            context.Response.Cookies.Append(SessionCookie, session, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/", IsEssential = true });
            _app.Log.Say($"Dashboard: a browser signed in. Another browser signs in with {NewLoginLink()}");
            return Results.Redirect("/");
        });

        web.MapGet("/", () => Asset("index.html", "text/html; charset=utf-8"));
        web.MapGet("/dashboard.js", () => Asset("dashboard.js", "text/javascript; charset=utf-8"));
        web.MapGet("/dashboard.css", () => Asset("dashboard.css", "text/css; charset=utf-8"));

        web.MapGet("/api/resources", (CancellationToken ct) => data.ResourcesAsync(ct));
        web.MapGet("/api/logs", (string? resource, long? after, string? q) =>
            Results.Ok(_app.Log.Recent(string.IsNullOrEmpty(resource) ? null : resource, after ?? 0, q, max: 500)));
        web.MapPost("/api/resources/{name}/{action}", async (string name, string action) =>
        {
            if (_app.Resources.FirstOrDefault(r => r.Name == name) is not ProcessResource)
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No resource '{name}' with a process of its own.");
            _app.Log.Say($"Dashboard: {action} {name}.");
            switch (action)
            {
                case "stop": await _app.StopResourceAsync(name); break;
                case "start": _ = StartInBackgroundAsync(name); break;
                case "restart": await _app.StopResourceAsync(name); _ = StartInBackgroundAsync(name); break;
                default: return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"Resources can be stopped, started or restarted, not '{action}'.");
            }

            return Results.Accepted();
        });

        web.MapGet("/api/queues", async (CancellationToken ct) => await data.QueuesAsync(ct) is { } queues ? Results.Ok(queues)
            : Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The broker is not running."));
        web.MapGet("/api/queues/{name}/messages", async (string name, CancellationToken ct) =>
            QueueInfo.IsError(name) ? Results.Ok(await data.Broker.PeekAsync(name, 20, ct))
                : Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Only error queues (<queue>_error) are read here."));
        web.MapPost("/api/queues/{name}/move", async (string name, MoveRequest request, CancellationToken ct) =>
        {
            if (!QueueInfo.IsError(name)) return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Only error queues (<queue>_error) are moved back.");
            var moved = await data.Broker.MoveBackAsync(name, request.MessageId, ct);
            data.Forget();
            _app.Log.Say($"Dashboard: moved {moved} message(s) from {name} back to {name[..^QueueInfo.ErrorSuffix.Length]}.");
            return Results.Ok(new { moved });
        });
    }

    public sealed record MoveRequest(string? MessageId);

    /// <summary>Starts a resource without holding the request: a start waits for health, which can take a minute.</summary>
    private async Task StartInBackgroundAsync(string name)
    {
        try { await _app.StartResourceAsync(name); }
        catch (Exception e) { _app.Log.Say($"Dashboard: starting {name} failed: {e.Message}"); }
    }

    private static IResult Asset(string name, string contentType)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("MenSI.Hosting.Dashboard." + name)
                           ?? throw new InvalidOperationException($"The dashboard's {name} is not embedded.");
        using var reader = new StreamReader(stream);
        return Results.Content(reader.ReadToEnd(), contentType);
    }

    public async ValueTask DisposeAsync()
    {
        await _web.StopAsync();
        await _web.DisposeAsync();
        _data.Dispose();
    }
}
