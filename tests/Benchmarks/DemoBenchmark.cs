using System.Diagnostics;
using System.Globalization;
using MenSI.AppHost.Demo;
using MenSI.Hosting;
using Npgsql;
using static MenSI.Benchmarks.BenchmarkDocument;

namespace MenSI.Benchmarks;

/// <summary>
/// The demo network on a fresh graph with nothing else running, started as an operator starts it (the gateway's own
/// limits, not the benchmarks' raised ones): how long seeding takes (target: under a minute), what the CPU went to on
/// this machine's cores, and a second run on the same network, which must write nothing (no outbox row anywhere).
/// </summary>
internal static class DemoBenchmark
{
    private static readonly TimeSpan Target = TimeSpan.FromSeconds(60);

    public static async Task<Section> RunAsync(string stateDir)
    {
        var port = Ports.Free();
        var testing = await DistributedApplicationTesting.StartAsync<global::Program>(new Dictionary<string, string?>
        {
            ["StateDir"] = stateDir, ["Durable"] = "true", ["gateway-port"] = port.ToString(CultureInfo.InvariantCulture),
        });
        try
        {
            var app = testing.Application;
            var demo = DemoCommand.For(new Uri($"http://localhost:{port}/"), RepositoryRoot.Find(), stateDir, line => Console.WriteLine("demo: " + line));
            var processes = app.Resources.OfType<ProcessResource>().Where(p => p.Pid is not null).ToList();

            var cpuBefore = processes.ToDictionary(p => p.Name, p => CpuSeconds(p));
            var eventsBefore = await OutboxRowsAsync(app);
            var first = await demo.SeedAsync(CancellationToken.None);
            var cpu = processes.Select(p => (p.Name, Seconds: CpuSeconds(p) - cpuBefore[p.Name])).OrderByDescending(c => c.Seconds).ToList();
            var eventsFirst = await OutboxRowsAsync(app) - eventsBefore;

            var second = await demo.SeedAsync(CancellationToken.None);
            var eventsSecond = await OutboxRowsAsync(app) - eventsBefore - eventsFirst;

            var total = cpu.Sum(c => c.Seconds);
            string Row(string run, DemoSummary s, long events, string verdict) => Invariant(
                $"| {run} | {s.Took.TotalSeconds:0.0} s | {s.Schools} | {s.Clusters} | {s.Activities} | {s.Enrolled} ({s.Completed}) | {s.Threads} | {events} | {verdict} |");
            return new Section("demo", "Demo network", Invariant($"""
                `dotnet run --project AppHost -- --demo` seeds the demo network through the gateway's public API; here the
                `demo` command's seeder runs twice on a fresh graph, as an operator starts it (the gateway's own rate limits).
                `events written` counts the rows every service's outbox gained: a second run must write none.

                | run | took | schools | clusters | activities | MOOC enrolments (completed) | threads | events written | target |
                | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |
                {Row("first, fresh network", first, eventsFirst, $"under {Target.TotalSeconds:0} s: {Verdict(first.Took < Target)}")}
                {Row("second, same network", second, eventsSecond, $"writes nothing: {Verdict(eventsSecond == 0)}")}

                Where the first run's time went: CPU seconds each process spent during it ({total:0} in all over
                {first.Took.TotalSeconds:0} s on {Environment.ProcessorCount} cores: the cores were {100 * total / (first.Took.TotalSeconds * Environment.ProcessorCount):0}% busy).

                | process | CPU s | share |
                | --- | ---: | ---: |
                {string.Join("\n", cpu.Select(c => Invariant($"| {c.Name} | {c.Seconds:0.0} | {100 * c.Seconds / total:0}% |")))}
                """));
        }
        finally
        {
            await testing.DisposeAsync();
            StateFolder.Wipe(stateDir);
        }
    }

    /// <summary>Outbox rows in every database that has an outbox.</summary>
    private static async Task<long> OutboxRowsAsync(DistributedApplication app)
    {
        long rows = 0;
        foreach (var database in app.Resources.OfType<PostgresDatabaseResource>())
        {
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync();
            await using var exists = new NpgsqlCommand("SELECT to_regclass('outbox_messages') IS NOT NULL", connection);
            if (await exists.ExecuteScalarAsync() is not true) continue;
            await using var count = new NpgsqlCommand("SELECT count(*) FROM outbox_messages", connection);
            rows += (long)(await count.ExecuteScalarAsync())!;
        }

        return rows;
    }
}
