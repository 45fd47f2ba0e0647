using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Hosting;
using MenSI.Testing;
using MenSI.Testing.Security;
using Xunit;
using Xunit.Abstractions;

namespace MenSI.EndToEnd.Tests;

/// <summary>The AppHost's graph with two replicas of every service with an API and a database, the gateway balancing between them.</summary>
public sealed class ReplicatedGraphFixture() : GraphFixture(new Dictionary<string, string?>
{
    ["Resources:identity:Replicas"] = "2",
    ["Resources:registry:Replicas"] = "2",
    ["Resources:clusters:Replicas"] = "2",
    ["Resources:courses:Replicas"] = "2",
    ["Resources:community:Replicas"] = "2",
    ["Resources:policy:Replicas"] = "2",
});

/// <summary>
/// Every service is safe with replicas: through the gateway, with two of each stateful-API service, events are neither
/// lost nor acted on twice, idempotency keys hold whichever replica answers, sign-in works across Identity's replicas,
/// and killing a replica loses no request the client was told succeeded.
/// </summary>
public class ReplicaTests(ReplicatedGraphFixture graph, ITestOutputHelper output) : IClassFixture<ReplicatedGraphFixture>
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);

    [Fact]
    public void The_graph_runs_two_processes_of_each_replicated_service()
    {
        foreach (var name in new[] { "identity", "registry", "clusters", "courses", "community", "policy" })
        {
            var replica = graph.App.Get<ProjectResource>(name + "-2");
            Assert.Equal(name, replica.ReplicaOf?.Name);
            Assert.Equal(ResourceState.Healthy, replica.State);
            Assert.NotEqual(graph.App.Get<ProjectResource>(name).Pid, replica.Pid);
        }
    }

    /// <summary>The same creating POST six times with one key: the gateway spreads them over both replicas, and one thing is made.</summary>
    [Theory]
    [InlineData("/api/v1/schools", "/api/v1/schools?country=HU&name=Kétszer Küldött")]
    [InlineData("/api/v1/community/spaces", "/api/v1/community/spaces?pageSize=100")]
    [InlineData("/api/v1/courses", "/api/v1/courses?status=draft&pageSize=100")]
    public async Task An_idempotency_key_holds_whichever_replica_answers(string path, string list)
    {
        using var admin = graph.Client(await graph.Tokens.NewUserTokenAsync(Persona.NetworkAdmin));
        var key = Guid.NewGuid().ToString();
        var name = "Kétszer Küldött " + key[..8];
        object body = path switch
        {
            "/api/v1/schools" => new { country = "HU", nationalId = Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture), name, educationLevels = new[] { "primary" } },
            "/api/v1/community/spaces" => new { kind = "country", name, country = "HU" },
            _ => CourseScenario.NewCourse(name),
        };
        var answers = new List<(HttpStatusCode Status, string Body)>();
        for (var i = 0; i < 6; i++)
        {
            using var request = JsonRequests.Create(HttpMethod.Post, path, body);
            request.Headers.Add("Idempotency-Key", key);
            using var response = await admin.SendAsync(request);
            answers.Add((response.StatusCode, await response.Content.ReadAsStringAsync()));
        }

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.Status));
        Assert.Single(answers.Select(a => JsonDocument.Parse(a.Body).RootElement.GetProperty("id").GetGuid()).Distinct());
        var listed = await admin.GetStringAsync(list);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(listed, System.Text.RegularExpressions.Regex.Escape(name)));
    }

    [Fact]
    public async Task Sign_in_works_whichever_Identity_replica_serves_each_step()
    {
        // The sign-in page's anti-forgery token and the session cookie are protected by one replica and read by the
        // next request's, which the gateway may send to the other: each sign-in below has both orders at least once.
        for (var i = 0; i < 6; i++)
        {
            using var tokens = new TokenClient(graph.Gateway);
            var signedIn = await tokens.SignInAsync(IdentityHost.AdminEmail, IdentityHost.SeedPassword);
            using var client = graph.Client(signedIn.AccessToken);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);
        }
    }

    [Fact]
    public async Task Every_acknowledged_school_reaches_a_plain_consumer_and_Clusters_once_while_a_Registry_replica_is_killed()
    {
        var broker = graph.App.Get<RabbitMqResource>("rabbitmq");
        await using var witness = await EventListener.StartAsync(broker.ConnectionString, "mensi.registry.school-registered");
        using var admin = graph.Client(await graph.Tokens.NewUserTokenAsync(Persona.NetworkAdmin));

        var registered = new ConcurrentBag<Guid>();
        var refused = new ConcurrentBag<int>();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(w => WriteSchoolsAsync(admin, w, registered, refused, stop.Token)).ToList();
        await Task.Delay(TimeSpan.FromSeconds(3));

        var victim = graph.App.Get<ProjectResource>("registry-2");
        ManagedProcess.SendSignal(victim.Pid ?? throw new InvalidOperationException("registry-2 is not running"), Signal.Kill);
        await Task.Delay(TimeSpan.FromSeconds(4));
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        var schools = registered.ToHashSet();
        output.WriteLine($"{schools.Count} schools written; other answers: {string.Join(", ", refused.GroupBy(s => s).Select(g => $"{g.Key} x{g.Count()}"))}");
        Assert.True(schools.Count >= 20, $"only {schools.Count} schools were written");
        // While the killed replica is away the gateway answers 503 (retry); a retry of a write that had been made is a 409 naming it.
        Assert.All(refused, status => Assert.True(status is 502 or 503 or 409 or 0, $"a {status} while a replica died: only a retryable answer is acceptable"));

        // Distinct schools, not events: copies of one event must not stand in for another that is missing.
        List<ReceivedEvent> Seen() => witness.Received.Where(e => schools.Contains(e.Body.GetProperty("schoolId").GetGuid())).ToList();
        var seen = await Eventually.UntilAsync(() => Task.FromResult(Seen()), events => events.Select(e => e.Body.GetProperty("schoolId").GetGuid()).Distinct().Count() == schools.Count, Settle);
        Assert.Equal(schools.Order(), seen.Select(e => e.Body.GetProperty("schoolId").GetGuid()).Distinct().Order());
        // Copies of an event carry its id: a consumer that deduplicates on it acts once.
        Assert.All(seen.GroupBy(e => e.Body.GetProperty("schoolId").GetGuid()), copies => Assert.Single(copies.Select(e => e.Body.GetProperty("eventId").GetGuid()).Distinct()));
        foreach (var school in schools)
        {
            using var facts = await Eventually.UntilAsync(() => admin.GetAsync($"/api/v1/clusters/schools/{school}"), r => r.StatusCode == HttpStatusCode.OK, Settle);
            Assert.Equal(HttpStatusCode.OK, facts.StatusCode);
        }

        // The supervisor brings the killed replica back.
        Assert.True(await Eventually.UntilAsync(() => Task.FromResult(victim.State == ResourceState.Healthy), healthy => healthy, TimeSpan.FromSeconds(60)));
    }

    private static async Task WriteSchoolsAsync(HttpClient admin, int writer, ConcurrentBag<Guid> registered, ConcurrentBag<int> refused, CancellationToken stop)
    {
        var n = 0;
        while (!stop.IsCancellationRequested)
        {
            var nationalId = (800_000 + writer * 10_000 + n).ToString(CultureInfo.InvariantCulture);
            try
            {
                using var response = await admin.PostAsJsonAsync("/api/v1/schools", new { country = "HU", nationalId, name = "Replika Iskola", educationLevels = new[] { "primary" } }, CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    registered.Add((await response.Content.ReadFromJsonAsync<JsonElement>(CancellationToken.None)).GetProperty("id").GetGuid());
                    n++;
                }
                else if (response.StatusCode == HttpStatusCode.Conflict)
                {
                    // The retry of a write whose answer was lost with the replica: it was written. It must reach everyone too.
                    var problem = await response.Content.ReadFromJsonAsync<JsonElement>(CancellationToken.None);
                    Assert.Equal("urn:mensi:problem:duplicate", problem.GetProperty("type").GetString());
                    registered.Add(problem.GetProperty("existingSchoolId").GetGuid());
                    refused.Add(409);
                    n++;
                }
                else
                {
                    refused.Add((int)response.StatusCode);
                }
            }
            catch (HttpRequestException)
            {
                refused.Add(0);
            }
        }
    }
}
