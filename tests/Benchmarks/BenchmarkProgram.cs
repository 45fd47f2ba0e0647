using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MenSI.Hosting;
using MenSI.Testing;
using MenSI.Testing.Security;
using static MenSI.Benchmarks.BenchmarkDocument;

namespace MenSI.Benchmarks;

/// <summary>
/// Measures the platform against its targets and its alternatives and rewrites docs/benchmarks.md with what it measured.
/// <c>--only NAME[,NAME]</c> runs the named benchmarks alone, on a platform of their own, and rewrites only their sections:
/// startup, gateway, pipeline, replicas, registry-scale, clusters-report, courses, community, policy, demo.
/// </summary>
internal static class BenchmarkProgram
{
    private static readonly TimeSpan LoadDuration = TimeSpan.FromSeconds(10), WarmUp = TimeSpan.FromSeconds(15);

    private static async Task<int> Main(string[] args)
    {
        var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault()?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = (only ?? []).Except(Order).ToList();
        if (args.Contains("--only") && (only is null || only.Length == 0 || unknown.Count > 0))
        {
            Console.Error.WriteLine($"usage: bench.sh [--only NAME[,NAME]]  where NAME is one of: {string.Join(", ", Order)}");
            return 2;
        }

        var selected = Order.Where(name => only is null || only.Contains(name)).ToList();
        var clock = Stopwatch.StartNew();
        var sections = new List<Section>();
        var stateDir = Path.Combine(Path.GetTempPath(), "mensi-bench-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            // The replica and demo benchmarks start graphs of their own, one after the other, with nothing else running.
            if (selected.All(name => name is "replicas" or "demo"))
            {
                if (selected.Contains("replicas")) sections.Add(await ReplicaBenchmark.RunAsync(stateDir));
                if (selected.Contains("demo")) sections.Add(await DemoBenchmark.RunAsync(stateDir + "-demo"));
                return 0;
            }

            DistributedApplicationTesting platform;
            if (selected.Contains("startup"))
            {
                // Cold: a fresh state folder (initdb, a new broker node, migrations); warm: the same folder again.
                var (cold, coldTook) = await StartAsync(stateDir);
                var coldRow = StartupRow("cold", coldTook, cold.Application.Resources);
                await cold.DisposeAsync();
                var (warm, warmTook) = await StartAsync(stateDir);
                platform = warm;
                var app = warm.Application;
                sections.Add(new Section("startup", "Start-up and footprint", Invariant($"""
                    From the AppHost's start to every resource healthy; cold is a fresh state folder (initdb, a new broker node,
                    migrations), warm reuses it.

                    | start | every resource healthy | each resource's time to healthy |
                    | --- | ---: | --- |
                    {coldRow}
                    {StartupRow("warm", warmTook, app.Resources)}

                    Resident memory (VmRSS) of the services, idle after the warm start:

                    | when | | | | |
                    | --- | ---: | ---: | ---: | ---: |
                    {MemoryRow("idle", Services(app))}
                    """)));
            }
            else
            {
                (platform, _) = await StartAsync(stateDir);
            }

            await using (platform)
            {
                var app = platform.Application;
                if (selected.Contains("gateway")) sections.Add(await GatewayAsync(app, stateDir));
                if (selected.Contains("pipeline")) sections.Add(await EventPipelineBenchmark.RunAsync(app));
                if (selected.Contains("registry-scale")) sections.Add(await ScaleBenchmark.RunAsync(app, stateDir));
                if (selected.Contains("clusters-report")) sections.Add(await ClustersReportBenchmark.RunAsync(app));
                if (selected.Contains("courses")) sections.Add(await CoursesBenchmark.RunAsync(app, stateDir));
                if (selected.Contains("community")) sections.Add(await CommunityBenchmark.RunAsync(app, stateDir));
                if (selected.Contains("policy")) sections.Add(await PolicyBenchmark.RunAsync(app, stateDir));
            }

            if (selected.Contains("replicas")) sections.Add(await ReplicaBenchmark.RunAsync(stateDir + "-replicas"));
            if (selected.Contains("demo")) sections.Add(await DemoBenchmark.RunAsync(stateDir + "-demo"));
        }
        finally
        {
            StateFolder.Wipe(stateDir);
            // What was measured is written even when a later benchmark fails: each section stands alone.
            if (sections.Count > 0)
            {
                var reportPath = Path.Combine(RepositoryRoot.Find(), "docs", "benchmarks.md");
                await WriteAsync(reportPath, sections, clock.Elapsed);
                Console.WriteLine($"Rewrote {string.Join(", ", sections.Select(s => s.Name))} in {reportPath} after {clock.Elapsed.TotalMinutes:0.0} min.");
            }
        }

        return 0;
    }

    private static ProjectResource[] Services(DistributedApplication app) =>
        app.Resources.OfType<ProjectResource>().OrderBy(p => p.Name, StringComparer.Ordinal).ToArray();

    private static string StartupRow(string kind, TimeSpan total, IEnumerable<Resource> resources) =>
        Invariant($"| {kind} | {total.TotalSeconds:0.0} s | {string.Join(", ", resources.Select(r => Invariant($"{r.Name} {r.TimeToHealthy?.TotalSeconds:0.0} s")))} |");

    internal static async Task<(DistributedApplicationTesting, TimeSpan)> StartAsync(string stateDir, IReadOnlyDictionary<string, string?>? more = null)
    {
        var clock = Stopwatch.StartNew();
        var testing = await DistributedApplicationTesting.StartAsync<global::Program>(new Dictionary<string, string?>(more ?? new Dictionary<string, string?>())
        {
            ["StateDir"] = stateDir,
            ["Durable"] = "true", // as an operator runs it
            ["KeepState"] = "true",
            ["gateway-port"] = Ports.Free().ToString(CultureInfo.InvariantCulture),
            // wrk is one anonymous client on one address: the gateway's per-IP limit would measure itself, not the proxy.
            ["Resources:gateway:Environment:Gateway__RateLimits__Anonymous__PermitLimit"] = "1000000000",
            ["Resources:gateway:Environment:Gateway__RateLimits__Authenticated__PermitLimit"] = "1000000000",
        });
        Console.WriteLine($"AppHost start: every resource healthy in {clock.Elapsed.TotalSeconds:0.0} s");
        return (testing, clock.Elapsed);
    }

    /// <summary>
    /// The same anonymous GETs four ways: straight at the Registry, through the gateway with its cache bypassed
    /// (<c>Cache-Control: no-cache</c>), through the gateway from its cache, and through nginx as a plain reverse proxy;
    /// then how long a change of each cached group takes to reach anonymous readers through the cache.
    /// </summary>
    private static async Task<Section> GatewayAsync(DistributedApplication app, string stateDir)
    {
        var registry = app.Get<ProjectResource>("registry");
        var gateway = app.Get<ProjectResource>("gateway");
        var schoolId = await SeedAsync(gateway.HttpEndpoint, 500);
        var (nginx, nginxPort) = await Nginx.StartAsync(registry.HttpEndpoint, Path.Combine(stateDir, "nginx"));
        var results = new List<LoadResult>();
        var memory = new List<string>();
        // Where each request's CPU goes, process by process (the machine's cores are shared by wrk and all of them).
        (string Name, Func<double> CpuSeconds)[] measured =
        [
            .. new ProcessResource[] { registry, gateway, app.Get<PostgresServerResource>("postgres"), app.Get<RedisResource>("redis") }
                .Select(r => (r.Name, (Func<double>)(() => CpuSeconds(r)))),
            ("nginx", () => CpuSeconds(nginx.Pid, withChildren: true)),
        ];
        var cpu = new List<string>();
        try
        {
            string[] uncached = ["Cache-Control: no-cache"];
            var targets = new (string Name, string Root, string[] Headers)[]
            {
                ("direct", registry.HttpEndpoint, []), ("gateway", gateway.HttpEndpoint, uncached), ("gateway cached", gateway.HttpEndpoint, []),
                ("nginx", $"http://127.0.0.1:{nginxPort}", []),
            };
            var scenarios = new[] { ("school by id", $"/api/v1/schools/{schoolId}"), ("list (country, level, sort)", "/api/v1/schools?country=HU&level=primary&sort=name&pageSize=20") };
            foreach (var (scenario, path) in scenarios)
            {
                foreach (var (target, root, headers) in targets)
                {
                    // Warm-up: pools, caches and the JIT's tiers. After 5 s the gateway's tiered-compilation thread still took
                    // 17% of its CPU in the measured window (perf, by thread): the steady state comes later.
                    await Wrk.RunAsync(target, scenario, root + path, WarmUp, headers: headers);
                    var cpuBefore = measured.Select(m => m.CpuSeconds()).ToArray();
                    var result = await Wrk.RunAsync(target, scenario, root + path, LoadDuration, headers: headers);
                    var perRequest = measured.Select((m, i) => (m.CpuSeconds() - cpuBefore[i]) * 1e6 / Math.Max(1, result.Requests));
                    cpu.Add(Invariant($"| {scenario} | {target} | {string.Join(" | ", perRequest.Select(us => us.ToString("0", CultureInfo.InvariantCulture)))} |"));
                    Console.WriteLine(Invariant($"{scenario,-28} {target,-15} {result.RequestsPerSecond,10:0} req/s  p50 {result.P50Ms,6:0.00} ms  p99 {result.P99Ms,7:0.00} ms  errors {result.Errors}"));
                    results.Add(result);
                    if (target.StartsWith("gateway", StringComparison.Ordinal)) memory.Add(MemoryRow($"under load ({scenario}, via {target})", registry, gateway));
                }
            }
        }
        finally
        {
            await nginx.StopAsync(TimeSpan.FromSeconds(5));
        }

        var staleness = await CacheStaleness.MeasureAsync(gateway.HttpEndpoint, stateDir, gateway, schoolId);
        var ratios = new StringBuilder();
        ratios.AppendLine("| scenario | uncached gateway/nginx throughput (target ≥ 1.00) | uncached gateway/nginx p99 (target ≤ 1.10) | cached gateway/nginx throughput (target ≥ 2.00) | gateway/direct throughput |");
        ratios.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var scenario in results.Select(r => r.Scenario).Distinct())
        {
            LoadResult Of(string target) => results.Single(r => r.Scenario == scenario && r.Target == target);
            var (direct, via, cached, nginxResult) = (Of("direct"), Of("gateway"), Of("gateway cached"), Of("nginx"));
            var (throughput, p99, cachedThroughput) = (via.RequestsPerSecond / nginxResult.RequestsPerSecond, via.P99Ms / nginxResult.P99Ms, cached.RequestsPerSecond / nginxResult.RequestsPerSecond);
            ratios.AppendLine(Invariant($"| {scenario} | {throughput:0.00} {Verdict(throughput >= 1.0)} | {p99:0.00} {Verdict(p99 <= 1.1)} | {cachedThroughput:0.00} {Verdict(cachedThroughput >= 2.0)} | {via.RequestsPerSecond / direct.RequestsPerSecond:0.00} |"));
        }

        return new Section("gateway", "Gateway against nginx, with and without its cache", Invariant($"""
            The same anonymous GET four ways: straight at the Registry, through the YARP gateway with its cache bypassed
            (`Cache-Control: no-cache`), through the gateway answering from its Redis cache, and through nginx as a plain
            reverse proxy (no cache). wrk, 2 threads, 32 connections, {LoadDuration.TotalSeconds:0} s per measurement after a {WarmUp.TotalSeconds:0} s warm-up.

            {LoadTable(results)}
            {ratios}
            CPU time per request, by process (user + system, from /proc; PostgreSQL with its backends, nginx with its workers), in µs: what each
            answer costs the machine besides wrk, whose cores all of them share.

            | scenario | target | {string.Join(" | ", measured.Select(r => r.Name))} |
            | --- | --- |{string.Concat(measured.Select(_ => " ---: |"))}
            {string.Join("\n", cpu)}

            {staleness}

            Resident memory (VmRSS) under that load:

            | when | | |
            | --- | ---: | ---: |
            {string.Join("\n", memory)}
            """));
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
