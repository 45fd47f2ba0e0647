using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MenSI.Hosting;
using MenSI.Testing.Security;

namespace MenSI.Benchmarks;

/// <summary>
/// Measures the platform against its limits and its alternatives, in one bounded run, and rewrites
/// docs/benchmarks.md. Absolute figures move from run to run on a shared 2-core machine; the ratios are the point.
/// </summary>
internal static class BenchmarkProgram
{
    private static readonly TimeSpan LoadDuration = TimeSpan.FromSeconds(10);

    /// <param name="args"><c>--gateway-only</c>: benchmark 1 alone, printed and not written, for measuring one tuning change at a time.</param>
    private static async Task<int> Main(string[] args)
    {
        var gatewayOnly = args.Contains("--gateway-only");
        var clock = Stopwatch.StartNew();
        var report = new Report();
        var stateDir = Path.Combine(Path.GetTempPath(), "mensi-bench-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            // 3. Start-up: cold (fresh state folder: initdb, new broker node, migrations) then warm (same folder).
            if (!gatewayOnly)
            {
                var cold = await StartAsync(stateDir, report, "cold");
                await cold.DisposeAsync();
            }

            await using var warm = await StartAsync(stateDir, report, "warm");
            var app = warm.Application;
            var registry = app.Get<ProjectResource>("registry");
            var gateway = app.Get<ProjectResource>("gateway");
            var clusters = app.Get<ProjectResource>("clusters");
            report.Memory("idle", registry, clusters, gateway);

            // 1. The same requests three ways: at the Registry, through YARP, through nginx.
            var schoolId = await SeedAsync(gateway.HttpEndpoint, 500);
            var (nginx, nginxPort) = await Nginx.StartAsync(registry.HttpEndpoint, Path.Combine(stateDir, "nginx"));
            try
            {
                var targets = new[] { ("direct", registry.HttpEndpoint), ("gateway", gateway.HttpEndpoint), ("nginx", $"http://127.0.0.1:{nginxPort}") };
                var scenarios = new[] { ("school by id", $"/api/v1/schools/{schoolId}"), ("list (country, level, sort)", "/api/v1/schools?country=HU&level=primary&sort=name&pageSize=20") };
                foreach (var (scenario, path) in scenarios)
                {
                    foreach (var (target, root) in targets)
                    {
                        await Wrk.RunAsync(target, scenario, root + path, TimeSpan.FromSeconds(5)); // warm-up: JIT tiers, pools, caches
                        var result = await Wrk.RunAsync(target, scenario, root + path, LoadDuration);
                        Console.WriteLine($"{scenario,-28} {target,-8} {result.RequestsPerSecond,10:0} req/s  p50 {result.P50Ms,6:0.00} ms  p99 {result.P99Ms,7:0.00} ms  p99.9 {result.P999Ms,7:0.00} ms  errors {result.Errors}");
                        report.Load(result);
                        if (target == "gateway") report.Memory($"under load ({scenario}, via gateway)", registry, clusters, gateway);
                    }
                }
            }
            finally
            {
                await nginx.StopAsync(TimeSpan.FromSeconds(5));
            }

            if (gatewayOnly) return 0;

            // 2. Event pipeline, on a quiet platform (before the scale benchmark fills the databases).
            report.Pipeline(await EventPipelineBenchmark.RunAsync(app));
            report.Memory("after the event pipeline", registry, clusters, gateway);

            // 4. Scale.
            await ScaleBenchmark.RunAsync(app, report, stateDir);
            await ClustersReportBenchmark.RunAsync(app, report);
        }
        finally
        {
            StateFolder.Wipe(stateDir);
        }

        report.Elapsed = clock.Elapsed;
        var reportPath = Path.Combine(RepositoryRoot.Find(), "docs", "benchmarks.md");
        await File.WriteAllTextAsync(reportPath, report.ToMarkdown());
        Console.WriteLine($"Wrote {reportPath} in {clock.Elapsed.TotalMinutes:0.0} min.");
        return 0;
    }

    private static async Task<DistributedApplicationTesting> StartAsync(string stateDir, Report report, string kind)
    {
        var clock = Stopwatch.StartNew();
        var testing = await DistributedApplicationTesting.StartAsync<global::Program>(new Dictionary<string, string?>
        {
            ["StateDir"] = stateDir,
            ["Durable"] = "true", // as an operator runs it
            ["KeepState"] = "true",
            ["gateway-port"] = Ports.Free().ToString(CultureInfo.InvariantCulture),
            // wrk is one anonymous client on one address: the gateway's per-IP limit would measure itself, not the proxy.
            ["Resources:gateway:Environment:Gateway__RateLimits__Anonymous__PermitLimit"] = "1000000000",
            ["Resources:gateway:Environment:Gateway__RateLimits__Authenticated__PermitLimit"] = "1000000000",
        });
        report.Startup(kind, clock.Elapsed, testing.Application.Resources);
        Console.WriteLine($"AppHost {kind} start: every resource healthy in {clock.Elapsed.TotalSeconds:0.0} s");
        return testing;
    }

    /// <summary>Registers schools through the gateway (the real write path, as the seeded HU ministry system); returns one school's id.</summary>
    private static async Task<Guid> SeedAsync(string gateway, int count)
    {
        using var tokens = new TokenClient(new Uri(gateway));
        var token = await tokens.ClientCredentialsAsync(IdentityHost.MachineClientId, IdentityHost.MachineClientSecret);
        using var client = PersonaTokens.Authorized(new HttpClient { BaseAddress = new Uri(gateway) }, token.AccessToken);
        Guid last = default;
        for (var i = 0; i < count; i++)
        {
            var response = await client.PostAsJsonAsync("/api/v1/schools", new
            {
                country = "HU",
                nationalId = (200_000 + i).ToString(CultureInfo.InvariantCulture),
                name = $"Iskola {i:000}",
                educationLevels = new[] { i % 2 == 0 ? "primary" : "lower-secondary" },
            });
            response.EnsureSuccessStatusCode();
            last = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        }

        return last;
    }
}
