using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Contracts.Registry;
using MenSI.Testing;
using MenSI.Testing.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace MenSI.Clusters.Tests;

/// <summary>
/// One Clusters service for the whole assembly (its queues on the shared broker have fixed names, so two hosts would
/// share the Registry's events between them), on its own database, validating the assembly's real Identity's tokens.
/// Schools reach it the only way they can: as Registry events on the broker.
/// </summary>
public sealed class ClustersFixture : IAsyncLifetime
{
    public const int MaxMentees = 3;
    private ServiceHost<ClustersDbContext>? _host;
    private EventPublisher? _publisher;
    private int _version = 100;

    public IdentityHost Identity { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;
    public string AmqpUri { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var servers = await PlatformServers.GetAsync();
        Identity = await IdentityHost.GetAsync();
        var configuration = servers.ServiceConfiguration("clusters-db", await servers.CreateDatabaseAsync("clusters"));
        configuration["Clusters:MaxMentees"] = MaxMentees.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Identity.Configure(configuration);
        AmqpUri = servers.RabbitMq.ConnectionString;
        _host = new ServiceHost<ClustersDbContext>(configuration);
        Admin = await ClientAsync(Persona.NetworkAdmin);
        await Admin.WaitHealthyAsync();
        _publisher = await EventPublisher.ConnectAsync(AmqpUri);
    }

    public async Task<HttpClient> ClientAsync(Persona? persona) =>
        PersonaTokens.Authorized(_host!.CreateClient(), persona is null ? null : await Identity.TokenForAsync(persona));

    public Task PublishAsync(MenSI.Contracts.IIntegrationEvent integrationEvent) => _publisher!.PublishAsync(integrationEvent);

    /// <summary>A new school as the Registry would announce it, once Clusters has taken it in.</summary>
    public async Task<Guid> SchoolAsync(string role = "mentee", string country = "HU", string status = "active")
    {
        var id = Guid.CreateVersion7();
        await PublishAsync(new SchoolRegistered(Guid.CreateVersion7(), DateTimeOffset.UtcNow, id, country, "national", id.ToString("N")[..12],
            $"Test school {id:N}", role, status, 1));
        await FactsAsync(id, facts => facts.GetProperty("status").GetString() == status);
        return id;
    }

    /// <summary>A Registry membership event for <paramref name="schoolId"/>, with a version above everything sent before.</summary>
    public SchoolStatusChanged StatusChange(Guid schoolId, string status, string role = "mentee", string country = "HU", string previous = "active") =>
        new(Guid.CreateVersion7(), DateTimeOffset.UtcNow, schoolId, country, previous, status, role, Interlocked.Increment(ref _version));

    /// <summary>Waits until Clusters' view of the school satisfies <paramref name="done"/>; returns it.</summary>
    public async Task<JsonElement> FactsAsync(Guid schoolId, Func<JsonElement, bool> done)
    {
        var facts = await Eventually.UntilAsync(async () =>
        {
            using var response = await Admin.GetAsync($"/api/v1/clusters/schools/{schoolId}");
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : (JsonElement?)null;
        }, f => f is { } found && done(found), TimeSpan.FromSeconds(20));
        return facts ?? throw new TimeoutException($"Clusters never saw the expected facts of school {schoolId}.");
    }

    public async Task<T> QueryAsync<T>(Func<ClustersDbContext, Task<T>> query)
    {
        await using var scope = _host!.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<ClustersDbContext>());
    }

    /// <summary>The outgoing events of one type about one cluster, from the outbox (what will be, or was, published).</summary>
    public Task<List<JsonElement>> OutboxAsync(string eventType, Guid clusterId) => QueryAsync(async db =>
        (await db.Set<ServiceDefaults.Messaging.OutboxMessage>().AsNoTracking().Where(m => m.EventType.EndsWith("." + eventType)).OrderBy(m => m.Sequence).ToListAsync())
        .Select(m => JsonDocument.Parse(m.Payload).RootElement.Clone())
        .Where(e => e.GetProperty("clusterId").GetGuid() == clusterId).ToList());

    public async Task DisposeAsync()
    {
        if (_publisher is not null) await _publisher.DisposeAsync();
        Admin.Dispose();
        if (_host is not null) await _host.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ClustersCollection : ICollectionFixture<ClustersFixture>
{
    public const string Name = "clusters";
}

/// <summary>Calls the tests share: form a cluster, change it with If-Match, read a problem.</summary>
public static class ClusterCalls
{
    public static object NewCluster(Guid mentor, string approach = "top-down", string name = "Klaszter") => new
    {
        name, mentorSchoolId = mentor, approach, initiation = "ministry", participation = "voluntary",
        focusThemes = new[] { "digital competence" },
        incentives = new object[] { new { kind = "certification", description = "Certificate for mentors", valueEuro = (decimal?)null } },
    };

    public static async Task<JsonElement> FormAsync(this HttpClient client, Guid mentor, string approach = "top-down")
    {
        using var response = await client.PostAsJsonAsync("/api/v1/clusters", NewCluster(mentor, approach));
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Forming answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static Task<HttpResponseMessage> ChangeAsync(this HttpClient client, HttpMethod method, string path, object? body = null, string ifMatch = "*") =>
        client.SendJsonAsync(method, path, body, ifMatch);


    public static Task<JsonElement> AddMenteeAsync(this HttpClient client, Guid cluster, Guid school) =>
        client.ChangeAsync(HttpMethod.Post, $"/api/v1/clusters/{cluster}/mentees", new { schoolId = school }).OkAsync();

    public static Task<JsonElement> ActivateAsync(this HttpClient client, Guid cluster) =>
        client.ChangeAsync(HttpMethod.Post, $"/api/v1/clusters/{cluster}/activate").OkAsync();
}
