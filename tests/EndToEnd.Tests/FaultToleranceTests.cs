using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Hosting;
using MenSI.Testing;
using RabbitMQ.Client;
using Xunit;
using Xunit.Abstractions;

namespace MenSI.EndToEnd.Tests;

/// <summary>
/// The messaging guarantees under the faults an operator will meet, on the whole graph: a stream of school
/// registrations through the gateway while the database is away for 15 s, the broker for 10 s, and Clusters is killed.
/// An independent AMQP consumer (a durable queue of its own) witnesses what the Registry published. In the end every
/// school that got a 201 was published and reached Clusters' snapshot, and no error queue holds anything.
/// </summary>
public class FaultToleranceTests(GraphFixture graph, ITestOutputHelper output) : IClassFixture<GraphFixture>
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Every_registered_school_reaches_the_witness_and_Clusters_through_a_database_outage_a_broker_outage_and_a_killed_service()
    {
        var broker = graph.App.Get<RabbitMqResource>("rabbitmq");
        const string witnessQueue = "fault-witness";
        await (await EventListener.StartDurableAsync(broker.ConnectionString, witnessQueue, "mensi.registry.school-registered")).DisposeAsync();
        using var admin = graph.Client(await graph.Tokens.AdminTokenAsync());

        var registered = new ConcurrentBag<Guid>();
        var refused = new ConcurrentBag<int>();
        using var stopWriting = new CancellationTokenSource();
        var writer = WriteSchoolsAsync(admin, registered, refused, stopWriting.Token);

        await Task.Delay(TimeSpan.FromSeconds(3));
        output.WriteLine($"{registered.Count} registered; stopping PostgreSQL for 15 s");
        await graph.App.StopResourceAsync("postgres");
        await Task.Delay(TimeSpan.FromSeconds(15));
        await graph.App.StartResourceAsync("postgres");

        await Task.Delay(TimeSpan.FromSeconds(5));
        output.WriteLine($"{registered.Count} registered; stopping RabbitMQ for 10 s");
        await graph.App.StopResourceAsync("rabbitmq");
        await Task.Delay(TimeSpan.FromSeconds(10));
        await graph.App.StartResourceAsync("rabbitmq");

        await Task.Delay(TimeSpan.FromSeconds(3));
        output.WriteLine($"{registered.Count} registered; killing Clusters");
        var clusters = graph.App["clusters"];
        ManagedProcess.SendSignal(clusters.Pid!.Value, Signal.Kill);
        await Task.Delay(TimeSpan.FromSeconds(5));

        await stopWriting.CancelAsync();
        await writer;
        var schools = registered.ToHashSet();
        output.WriteLine($"{schools.Count} schools registered in all; answers other than 201: {string.Join(", ", refused.GroupBy(s => s).Select(g => $"{g.Key} x{g.Count()}"))}");
        Assert.True(schools.Count >= 20, $"only {schools.Count} registrations got through");
        Assert.All(refused, status => Assert.Equal(503, status)); // an outage is a 503 to retry, never a 500

        await using var witness = await EventListener.StartDurableAsync(broker.ConnectionString, witnessQueue, "mensi.registry.school-registered");
        var seen = await witness.WaitForAsync(e => schools.Contains(e.Body.GetProperty("schoolId").GetGuid()), count: schools.Count, timeout: Settle);
        Assert.Equal(schools.Order(), seen.Select(e => e.Body.GetProperty("schoolId").GetGuid()).Distinct().Order());

        foreach (var school in schools)
        {
            using var facts = await Eventually.UntilAsync(() => admin.GetAsync($"/api/v1/clusters/schools/{school}"), r => r.StatusCode == HttpStatusCode.OK, Settle);
            Assert.Equal(HttpStatusCode.OK, facts.StatusCode);
        }

        Assert.Empty(await NonEmptyErrorQueuesAsync(broker.ConnectionString));
    }

    /// <summary>Registers schools one after another until told to stop; a 503 (an outage) is retried like a client would.</summary>
    private static async Task WriteSchoolsAsync(HttpClient admin, ConcurrentBag<Guid> registered, ConcurrentBag<int> refused, CancellationToken stop)
    {
        var n = 0;
        while (!stop.IsCancellationRequested)
        {
            var body = new { country = "HU", nationalId = (500_000 + Interlocked.Increment(ref n)).ToString(System.Globalization.CultureInfo.InvariantCulture), name = "Hibatűrő Iskola", educationLevels = new[] { "primary" } };
            try
            {
                using var response = await admin.PostAsJsonAsync("/api/v1/schools", body, CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.Created) registered.Add((await response.Content.ReadFromJsonAsync<JsonElement>(CancellationToken.None)).GetProperty("id").GetGuid());
                else
                {
                    refused.Add((int)response.StatusCode);
                    n--; // the same school again: nothing was written
                }
            }
            catch (HttpRequestException)
            {
                refused.Add(0);
            }

            try { await Task.Delay(200, stop); } catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Every queue named <c>*_error</c> that holds a message, asked over plain AMQP (passive declares).</summary>
    private static async Task<List<string>> NonEmptyErrorQueuesAsync(string amqpUri)
    {
        string[] consumers = ["school-registered", "school-profile-updated", "school-role-assigned", "school-status-changed", "digital-maturity-assessed"];
        var nonEmpty = new List<string>();
        await using var connection = await new ConnectionFactory { Uri = new Uri(amqpUri) }.CreateConnectionAsync();
        foreach (var queue in consumers.Select(c => $"clusters-{c}_error"))
        {
            await using var channel = await connection.CreateChannelAsync();
            try
            {
                var declared = await channel.QueueDeclarePassiveAsync(queue);
                if (declared.MessageCount > 0) nonEmpty.Add($"{queue}: {declared.MessageCount}");
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
                // Never declared: nothing ever failed there.
            }
        }

        return nonEmpty;
    }

    /// <summary>A front-end's school page in one call: every part while all is well; the rest, and what is missing, while a service is down.</summary>
    [Fact]
    public async Task The_school_overview_answers_with_the_parts_it_has_while_a_service_is_down()
    {
        using var admin = graph.Client(await graph.Tokens.AdminTokenAsync());
        using var created = await admin.PostAsJsonAsync("/api/v1/schools", new { country = "HU", nationalId = "914001", name = "Áttekintő Iskola", educationLevels = new[] { "primary" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var school = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var whole = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/overview/schools/{school}");
        Assert.True(whole.GetProperty("missing").GetArrayLength() == 0, whole.GetRawText());
        Assert.Equal("Áttekintő Iskola", whole.GetProperty("profile").GetProperty("name").GetString());
        Assert.Equal(0, whole.GetProperty("clusters").GetArrayLength());
        Assert.Equal(0, whole.GetProperty("learning").GetProperty("enrolments").GetInt32());
        Assert.Equal(0, whole.GetProperty("community").GetProperty("clusterSpaces").GetInt32());

        await graph.App.StopResourceAsync("community");
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var partial = await admin.GetAsync($"/api/v1/overview/schools/{school}");
            Assert.Equal(HttpStatusCode.OK, partial.StatusCode);
            var body = await partial.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(JsonValueKind.Null, body.GetProperty("community").ValueKind);
            Assert.Equal("Áttekintő Iskola", body.GetProperty("profile").GetProperty("name").GetString());
            var missing = Assert.Single(body.GetProperty("missing").EnumerateArray());
            Assert.Equal(("community", "community", "unavailable"), (missing.GetProperty("part").GetString(), missing.GetProperty("service").GetString(), missing.GetProperty("reason").GetString()));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"the overview took {clock.Elapsed.TotalSeconds:0.0} s with a service down");
        }
        finally
        {
            await graph.App.StartResourceAsync("community");
        }

        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/overview/schools/{Guid.CreateVersion7()}")).StatusCode);
        using var anonymous = graph.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/v1/overview/schools/{school}")).StatusCode);
    }
}
