using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using MassTransit;
using MenSI.Hosting;
using MenSI.Testing.Security;
using Npgsql;

namespace MenSI.Benchmarks;

/// <summary>Figures of one event path: sustained throughput, latency, and the end-of-run count check.</summary>
public sealed record PipelineResult(string Path, int Writers, TimeSpan Window, long Sent, long Handled, long Doubled, double PerSecond, double P50Ms, double P99Ms);

/// <summary>
/// Benchmark 2: from an HTTP write in one service to its effect in another, against bare MassTransit on the same broker.
/// The platform path: writers register schools through the gateway for 60 s (the Registry writes each school and its
/// event in one transaction, the outbox publishes after commit), and Clusters takes each event in through its inbox
/// into a school snapshot. Latency is the event's <c>occurredAt</c> (stamped in the Registry's write) to the inbox row's
/// <c>handled_at</c> (Clusters' commit): both clocks are this machine's. The baseline: as many publishers sending a
/// small message with MassTransit's defaults for 60 s, and one consumer recording when each arrives.
/// </summary>
internal static class EventPipelineBenchmark
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);
    private const int Writers = 8;
    private const int FirstNationalId = 600_000;

    public static async Task<IReadOnlyList<PipelineResult>> RunAsync(DistributedApplication app)
    {
        var platform = await PlatformAsync(app);
        Print(platform);
        var baseline = await BaselineAsync(app.Get<RabbitMqResource>("rabbitmq").ConnectionString);
        Print(baseline);
        return [platform, baseline];
    }

    private static async Task<PipelineResult> PlatformAsync(DistributedApplication app)
    {
        var gateway = app.Get<ProjectResource>("gateway").HttpEndpoint;
        using var tokens = new TokenClient(new Uri(gateway));
        var token = (await tokens.ClientCredentialsAsync(IdentityHost.MachineClientId, IdentityHost.MachineClientSecret)).AccessToken;
        using var client = PersonaTokens.Authorized(new HttpClient { BaseAddress = new Uri(gateway) }, token);
        var started = DateTimeOffset.UtcNow;
        var nextId = FirstNationalId;
        var clock = Stopwatch.StartNew();
        var sent = 0L;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(async _ =>
        {
            while (clock.Elapsed < Window)
            {
                var id = Interlocked.Increment(ref nextId);
                using var response = await client.PostAsJsonAsync("/api/v1/schools", new
                {
                    country = "HU", nationalId = id.ToString(CultureInfo.InvariantCulture), name = $"Pipeline Iskola {id}", educationLevels = new[] { "primary" },
                });
                response.EnsureSuccessStatusCode();
                Interlocked.Increment(ref sent);
            }
        }));

        // Every event of the window, from the Registry's outbox, then (once Clusters has caught up) its inbox rows.
        var registryDb = app.Get<PostgresDatabaseResource>("registry-db").ConnectionString;
        var clustersDb = app.Get<PostgresDatabaseResource>("clusters-db").ConnectionString;
        var occurred = await QueryAsync(registryDb, "SELECT event_id, occurred_at FROM outbox_messages WHERE event_type LIKE '%.SchoolRegistered' AND occurred_at >= @since", started);
        var deadline = Stopwatch.StartNew();
        Dictionary<Guid, (DateTimeOffset At, long Copies)> handled;
        do
        {
            handled = (await QueryAsync(clustersDb,
                    "SELECT event_id, min(handled_at), count(*) FROM inbox_messages WHERE consumer = 'SchoolRegisteredConsumer' AND handled_at >= @since GROUP BY event_id", started))
                .ToDictionary(r => r.Id, r => (r.At, r.Count));
            if (occurred.All(o => handled.ContainsKey(o.Id))) break;
            await Task.Delay(500);
        }
        while (deadline.Elapsed < TimeSpan.FromMinutes(2));

        var latencies = occurred.Where(o => handled.ContainsKey(o.Id)).Select(o => (handled[o.Id].At - o.At).TotalMilliseconds).Order().ToArray();
        var lastEffect = handled.Values.Select(h => h.At).DefaultIfEmpty(started).Max();
        return new PipelineResult("HTTP write → Registry outbox → broker → Clusters inbox", Writers, Window, occurred.Count,
            occurred.Count(o => handled.ContainsKey(o.Id)), handled.Values.Count(h => h.Copies > 1),
            handled.Count / (lastEffect - started).TotalSeconds, Percentile(latencies, 50), Percentile(latencies, 99));
    }

    public sealed record BaselinePing(Guid Id, DateTimeOffset SentAt);

    private static async Task<PipelineResult> BaselineAsync(string amqpUri)
    {
        var arrivals = new ConcurrentDictionary<Guid, (DateTimeOffset Sent, DateTimeOffset Arrived, int Copies)>();
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(new Uri(amqpUri));
            rabbit.ReceiveEndpoint("benchmark-baseline", endpoint => endpoint.Handler<BaselinePing>(context =>
            {
                var now = DateTimeOffset.UtcNow;
                arrivals.AddOrUpdate(context.Message.Id, _ => (context.Message.SentAt, now, 1), (_, seen) => seen with { Copies = seen.Copies + 1 });
                return Task.CompletedTask;
            }));
        });
        await bus.StartAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            var started = DateTimeOffset.UtcNow;
            var sent = 0L;
            await Task.WhenAll(Enumerable.Range(0, Writers).Select(async _ =>
            {
                while (clock.Elapsed < Window)
                {
                    await bus.Publish(new BaselinePing(Guid.CreateVersion7(), DateTimeOffset.UtcNow));
                    Interlocked.Increment(ref sent);
                }
            }));

            var deadline = Stopwatch.StartNew();
            while (arrivals.Count < sent && deadline.Elapsed < TimeSpan.FromMinutes(2)) await Task.Delay(200);
            var latencies = arrivals.Values.Select(a => (a.Arrived - a.Sent).TotalMilliseconds).Order().ToArray();
            var lastArrival = arrivals.Values.Select(a => a.Arrived).DefaultIfEmpty(started).Max();
            return new PipelineResult("bare MassTransit publish → consume", Writers, Window, sent, arrivals.Count, arrivals.Values.Count(a => a.Copies > 1),
                arrivals.Count / (lastArrival - started).TotalSeconds, Percentile(latencies, 50), Percentile(latencies, 99));
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    private static async Task<List<(Guid Id, DateTimeOffset At, long Count)>> QueryAsync(string connectionString, string sql, DateTimeOffset since)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("since", since);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(Guid, DateTimeOffset, long)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1), reader.FieldCount > 2 ? reader.GetInt64(2) : 1));
        }

        return rows;
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];

    private static void Print(PipelineResult r) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{r.Path}: {r.Sent} sent, {r.Handled} handled, {r.Doubled} doubled, {r.PerSecond:0} events/s, p50 {r.P50Ms:0.0} ms, p99 {r.P99Ms:0.0} ms"));
}
