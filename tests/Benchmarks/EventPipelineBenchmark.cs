using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using MenSI.Hosting;
using MenSI.Testing;
using MenSI.Testing.Security;
using Npgsql;
using static MenSI.Benchmarks.BenchmarkDocument;

namespace MenSI.Benchmarks;

/// <summary>
/// From an HTTP write in one service to its effect in another, against bare MassTransit on the same broker. Every
/// count comes from a witness independent of what it counts: the writers' own 201s, a plain AMQP consumer bound to the
/// exchange (what was published, and how many times), and Clusters' database (what took effect). Latency is split by
/// stage, so the table says where the time goes: the Registry's write (<c>occurredAt</c>) to its outbox stamping the
/// event sent (the broker confirmed it), then to Clusters' commit of its effect.
/// </summary>
internal static class EventPipelineBenchmark
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);
    private const int Writers = 8;
    private const int FirstNationalId = 600_000;
    private const double LatencyGoalMs = 50;

    internal sealed record Stage(string Name, double[] Sorted)
    {
        public string Row() => Invariant($"| {Name} | {Sorted.Length} | {Percentile(Sorted, 50):0.0} | {Percentile(Sorted, 90):0.0} | {Percentile(Sorted, 99):0.0} | {(Sorted.Length == 0 ? double.NaN : Sorted[^1]):0.0} |");
    }

    public static async Task<Section> RunAsync(DistributedApplication app)
    {
        var (platformRow, stages, endToEndP99) = await PlatformAsync(app, Window, "HTTP write → Registry outbox → broker → Clusters inbox");
        var (bareRow, bareP99) = await BaselineAsync(app.Get<RabbitMqResource>("rabbitmq").ConnectionString);
        var services = app.Resources.OfType<ProjectResource>().Where(p => p.Name is "registry" or "clusters").ToArray();
        return new Section("pipeline", "Event pipeline", Invariant($"""
            {Writers} writers register schools through the gateway for {Window.TotalSeconds:0} s (the Registry writes each school and
            its `school-registered` event in one transaction; its outbox publishes after commit; Clusters takes the event into
            its inbox and its school snapshot in one transaction), against {Writers} publishers of bare MassTransit (defaults, one
            consumer, no database) on the same broker in the same run. `written` counts the writers' 201 answers, `on the wire`
            the distinct events a plain AMQP consumer received (`copies` the extra deliveries it saw), `took effect` the events
            Clusters' database holds, `lost` what was written but never took effect.

            | path | written | on the wire | copies | took effect | lost | events/s | p50 ms | p99 ms |
            | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
            {platformRow}
            {bareRow}

            Where the platform's time goes, per event (ms):

            | stage | events | p50 | p90 | p99 | max |
            | --- | ---: | ---: | ---: | ---: | ---: |
            {string.Join("\n", stages.Select(s => s.Row()))}

            Write to effect p99 {endToEndP99:0.0} ms against a goal of {LatencyGoalMs:0} ms: {Verdict(endToEndP99 <= LatencyGoalMs)}; bare MassTransit p99 {bareP99:0.0} ms.

            | when | | |
            | --- | ---: | ---: |
            {MemoryRow("after the pipeline", services)}
            """));
    }

    /// <summary>Writers through the gateway for <paramref name="window"/>; the table row (labelled <paramref name="path"/>), the stages and the end-to-end p99.</summary>
    internal static async Task<(string Row, IReadOnlyList<Stage> Stages, double P99)> PlatformAsync(DistributedApplication app, TimeSpan window, string path)
    {
        var gateway = app.Get<ProjectResource>("gateway").HttpEndpoint;
        using var tokens = new TokenClient(new Uri(gateway));
        var token = (await tokens.ClientCredentialsAsync(IdentityHost.MachineClientId, IdentityHost.MachineClientSecret)).AccessToken;
        using var client = PersonaTokens.Authorized(new HttpClient { BaseAddress = new Uri(gateway) }, token);
        await using var witness = await EventListener.StartAsync(app.Get<RabbitMqResource>("rabbitmq").ConnectionString, "mensi.registry.school-registered");

        var written = new ConcurrentBag<Guid>();
        var nextId = FirstNationalId;
        var clock = Stopwatch.StartNew();
        var started = DateTimeOffset.UtcNow;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(async _ =>
        {
            while (clock.Elapsed < window)
            {
                var id = Interlocked.Increment(ref nextId);
                using var response = await client.PostAsJsonAsync("/api/v1/schools", new
                {
                    country = "HU", nationalId = id.ToString(CultureInfo.InvariantCulture), name = $"Pipeline Iskola {id}", educationLevels = new[] { "primary" },
                });
                response.EnsureSuccessStatusCode();
                written.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
            }
        }));

        // The Registry's events of these schools (their times), then Clusters' effects of them, once it has caught up.
        var schools = written.ToHashSet();
        var registryDb = app.Get<PostgresDatabaseResource>("registry-db").ConnectionString;
        var clustersDb = app.Get<PostgresDatabaseResource>("clusters-db").ConnectionString;
        var events = (await QueryAsync(registryDb, """
                SELECT event_id, occurred_at, sent_at FROM outbox_messages
                WHERE event_type LIKE '%.SchoolRegistered' AND occurred_at >= @since AND (payload->>'schoolId')::uuid = ANY(@schools)
                """, started, schools))
            .ToDictionary(r => r.GetGuid(0), r => (Occurred: r.GetFieldValue<DateTimeOffset>(1), Sent: r.IsDBNull(2) ? (DateTimeOffset?)null : r.GetFieldValue<DateTimeOffset>(2)));
        Dictionary<Guid, DateTimeOffset> effects = [];
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            effects = (await QueryAsync(clustersDb, """
                    SELECT event_id, handled_at FROM inbox_messages
                    WHERE consumer = 'SchoolRegisteredConsumer' AND handled_at >= @since AND event_id = ANY(@events)
                    """, started, schools, [.. events.Keys]))
                .ToDictionary(r => r.GetGuid(0), r => r.GetFieldValue<DateTimeOffset>(1));
            if (effects.Count >= events.Count) break;
            await Task.Delay(500);
        }

        await witness.WaitForAsync(e => schools.Contains(e.Body.GetProperty("schoolId").GetGuid()), schools.Count, TimeSpan.FromSeconds(30))
            .ContinueWith(_ => { }, TaskScheduler.Default); // the count below says what arrived
        // The effect itself, not the inbox's record of it: the schools Clusters now knows.
        var tookEffect = Convert.ToInt32((await QueryAsync(clustersDb, "SELECT count(*) FROM school_snapshots WHERE school_id = ANY(@schools) AND @since IS NOT NULL",
            started, schools))[0].Values[0], CultureInfo.InvariantCulture);
        var onTheWire = witness.Received.Where(e => schools.Contains(e.Body.GetProperty("schoolId").GetGuid())).GroupBy(e => e.MessageId).ToList();
        var copies = onTheWire.Sum(g => g.Count() - 1);

        double[] Sorted(IEnumerable<double> values) => values.Order().ToArray();
        var arrived = onTheWire.ToDictionary(g => Guid.Parse(g.Key!), g => g.Min(e => e.ReceivedAt));
        var endToEnd = Sorted(events.Where(e => effects.ContainsKey(e.Key)).Select(e => (effects[e.Key] - e.Value.Occurred).TotalMilliseconds));
        var stages = new[]
        {
            new Stage("write → on the wire (a plain AMQP consumer has it)", Sorted(events.Where(e => arrived.ContainsKey(e.Key)).Select(e => (arrived[e.Key] - e.Value.Occurred).TotalMilliseconds))),
            new Stage("on the wire → took effect in Clusters", Sorted(events.Where(e => arrived.ContainsKey(e.Key) && effects.ContainsKey(e.Key)).Select(e => (effects[e.Key] - arrived[e.Key]).TotalMilliseconds))),
            new Stage("write → confirmed by the broker (outbox stamped sent; off the path to Clusters)", Sorted(events.Values.Where(e => e.Sent is not null).Select(e => (e.Sent!.Value - e.Occurred).TotalMilliseconds))),
            new Stage("write → took effect (end to end)", endToEnd),
        };
        var lastEffect = effects.Values.DefaultIfEmpty(started).Max();
        var row = Invariant($"| {path} | {schools.Count} | {onTheWire.Count} | {copies} | {tookEffect} | {schools.Count - tookEffect} | {effects.Count / (lastEffect - started).TotalSeconds:0} | {Percentile(endToEnd, 50):0.0} | {Percentile(endToEnd, 99):0.0} |");
        Console.WriteLine(row);
        foreach (var stage in stages) Console.WriteLine(stage.Row());
        return (row, stages, Percentile(endToEnd, 99));
    }

    public sealed record BaselinePing(Guid Id, DateTimeOffset SentAt);

    private static async Task<(string Row, double P99)> BaselineAsync(string amqpUri)
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
            var row = Invariant($"| bare MassTransit publish → consume | {sent} | {arrivals.Count} | {arrivals.Values.Sum(a => a.Copies - 1)} | {arrivals.Count} | {sent - arrivals.Count} | {arrivals.Count / (lastArrival - started).TotalSeconds:0} | {Percentile(latencies, 50):0.0} | {Percentile(latencies, 99):0.0} |");
            Console.WriteLine(row);
            return (row, Percentile(latencies, 99));
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    private static async Task<List<NpgsqlDataReaderRow>> QueryAsync(string connectionString, string sql, DateTimeOffset since, IEnumerable<Guid> schools, Guid[]? events = null)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 120 };
        command.Parameters.AddWithValue("since", since);
        command.Parameters.AddWithValue("schools", schools.ToArray());
        if (events is not null) command.Parameters.AddWithValue("events", events);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<NpgsqlDataReaderRow>();
        while (await reader.ReadAsync())
        {
            var values = new object[reader.FieldCount];
            reader.GetValues(values);
            rows.Add(new NpgsqlDataReaderRow(values));
        }

        return rows;
    }

    /// <summary>One row read off a query, its values kept after the reader closes.</summary>
    private sealed record NpgsqlDataReaderRow(object[] Values)
    {
        public Guid GetGuid(int i) => (Guid)Values[i];
        public bool IsDBNull(int i) => Values[i] is DBNull;
        public T GetFieldValue<T>(int i) => Values[i] switch
        {
            T value => value,
            DateTime utc when typeof(T) == typeof(DateTimeOffset) => (T)(object)new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)),
            var other => throw new InvalidCastException($"{other?.GetType()} is not {typeof(T)}"),
        };
    }
}
