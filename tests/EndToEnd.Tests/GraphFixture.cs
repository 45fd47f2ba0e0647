using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MenSI.Contracts;
using MenSI.Hosting;
using MenSI.Testing;
using MenSI.Testing.Security;
using Xunit;

// One graph at a time: each test class here starts the whole platform, and two would fight over two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace MenSI.EndToEnd.Tests;

/// <summary>The AppHost's own graph, started once for a test class, reached through its gateway.</summary>
public class GraphFixture : IAsyncLifetime
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private DistributedApplicationTesting? _testing;

    public GraphFixture() : this(new Dictionary<string, string?>()) { }

    /// <summary>The graph with <paramref name="settings"/> on top (<c>Resources:&lt;name&gt;:Replicas</c>, ...).</summary>
    protected GraphFixture(IReadOnlyDictionary<string, string?> settings) => _settings = settings;

    public DistributedApplication App => _testing!.Application;
    public Uri Gateway { get; private set; } = null!;
    /// <summary>Tokens through the gateway's public endpoints, starting from the seeded development admin.</summary>
    public PersonaTokens Tokens { get; private set; } = null!;
    /// <summary>Every event any test causes, as a ministry system's plain AMQP consumer bound to every exchange gets it.</summary>
    public EventListener Wire { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var port = Ports.Free();
        _testing = await DistributedApplicationTesting.StartAsync<Program>(
            new Dictionary<string, string?>(_settings) { ["gateway-port"] = port.ToString(CultureInfo.InvariantCulture) });
        Gateway = new Uri($"http://127.0.0.1:{port}");
        Tokens = new PersonaTokens(Gateway, IdentityHost.AdminEmail, IdentityHost.SeedPassword);
        Wire = await EventListener.StartAsync(App.Get<RabbitMqResource>("rabbitmq").ConnectionString, EventNames.All().Select(EventNames.ExchangeFor).ToArray());
    }

    /// <summary>
    /// Checks every event received so far against the AsyncAPI document the gateway serves (payload and headers) and
    /// returns the exchanges they came from: the contract and the wire cannot drift apart unnoticed.
    /// </summary>
    public async Task<IReadOnlySet<string>> WireKeepsTheContractAsync()
    {
        using var anonymous = Client();
        var document = await anonymous.GetFromJsonAsync<JsonObject>("/asyncapi.json");
        var contracts = await EventContracts.FromAsyncApiAsync(document!);
        return contracts.CheckAll(Wire.Received);
    }

    public HttpClient Client(string? accessToken = null) => PersonaTokens.Authorized(new HttpClient { BaseAddress = Gateway }, accessToken);

    public async Task DisposeAsync()
    {
        if (Wire is not null) await Wire.DisposeAsync();
        if (_testing is not null) await _testing.DisposeAsync();
    }
}

/// <summary>
/// The test classes that leave the graph as they found it (no server stopped, nothing killed) share one: starting the
/// whole platform is most of what each would otherwise spend. Classes that break the graph on purpose keep their own.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SharedGraph : ICollectionFixture<GraphFixture>
{
    public const string Name = "shared graph";
}
