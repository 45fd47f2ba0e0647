using MenSI.Hosting;
using MenSI.Registry;
using MenSI.Testing;
using MenSI.Testing.Security;
using Xunit;

namespace MenSI.Gateway.Tests;

/// <summary>
/// The gateway on a real port in front of a real Registry and the real Identity, with small limits so tests can reach
/// them: 3 anonymous requests (per IP) and 6 signed-in ones (per user) per 2-second window, bodies up to 2 KB.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public const string AllowedOrigin = "https://app.mensi.example";
    public const int AnonymousLimit = 3;
    public const int AuthenticatedLimit = 6;
    public const int MaxBodyBytes = 2048;

    private ServiceHost<RegistryDbContext>? _registry;
    private ServiceHost<RateLimitSettings>? _gateway;
    private ServiceHost<RateLimitSettings>? _secondGateway;

    public IdentityHost Identity { get; private set; } = null!;
    /// <summary>The gateways' configuration, for a test that starts an instance of its own with a setting added.</summary>
    public IReadOnlyDictionary<string, string?> Configuration { get; private set; } = null!;
    public Uri Address { get; private set; } = null!;
    /// <summary>The Registry itself, for comparing what it answers with what the gateway relays.</summary>
    public Uri RegistryAddress { get; private set; } = null!;
    /// <summary>A second gateway instance with the same configuration and Redis, as a load balancer would have behind it.</summary>
    public Uri SecondAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var servers = await PlatformServers.GetAsync();
        Identity = await IdentityHost.GetAsync();

        var registryConfiguration = servers.ServiceConfiguration("registry-db", await servers.CreateDatabaseAsync("gateway"));
        Identity.Configure(registryConfiguration);
        var registryPort = Ports.Free();
        _registry = new ServiceHost<RegistryDbContext>(registryConfiguration);
        _registry.UseKestrel(registryPort);
        _registry.StartServer();
        RegistryAddress = new Uri($"http://127.0.0.1:{registryPort}");

        var configuration = new Dictionary<string, string?>
        {
            ["services:registry:http:0"] = $"http://127.0.0.1:{registryPort}",
            // These tests exercise the gateway's own rules through Registry routes; Clusters' routes point at a closed port.
            ["services:clusters:http:0"] = $"http://127.0.0.1:{Ports.Free()}",
            ["services:courses:http:0"] = $"http://127.0.0.1:{Ports.Free()}",
            ["services:community:http:0"] = $"http://127.0.0.1:{Ports.Free()}",
            ["services:policy:http:0"] = $"http://127.0.0.1:{Ports.Free()}",
            ["ConnectionStrings:redis"] = servers.Redis.ConnectionString,
            ["ConnectionStrings:rabbitmq"] = registryConfiguration["ConnectionStrings:rabbitmq"],
            ["Gateway:RateLimits:Anonymous:PermitLimit"] = AnonymousLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway:RateLimits:Anonymous:Window"] = "00:00:02",
            ["Gateway:RateLimits:Authenticated:PermitLimit"] = AuthenticatedLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway:RateLimits:Authenticated:Window"] = "00:00:02",
            ["Gateway:Cors:AllowedOrigins:0"] = AllowedOrigin,
            ["Kestrel:Limits:MaxRequestBodySize"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        Identity.Configure(configuration);
        Configuration = configuration;
        var port = Ports.Free();
        _gateway = new ServiceHost<RateLimitSettings>(configuration);
        _gateway.UseKestrel(port);
        _gateway.StartServer();
        Address = new Uri($"http://127.0.0.1:{port}");
        var secondPort = Ports.Free();
        _secondGateway = new ServiceHost<RateLimitSettings>(configuration);
        _secondGateway.UseKestrel(secondPort);
        _secondGateway.StartServer();
        SecondAddress = new Uri($"http://127.0.0.1:{secondPort}");
        using var probe = CreateClient();
        await probe.WaitHealthyAsync();
        using var secondProbe = PersonaTokens.Authorized(new HttpClient { BaseAddress = SecondAddress }, null);
        await secondProbe.WaitHealthyAsync();
    }

    /// <summary>Another gateway instance on the same services, Redis and broker, with <paramref name="overrides"/> on top (dispose it).</summary>
    public async Task<(ServiceHost<RateLimitSettings> Host, Uri Address)> StartGatewayAsync(IDictionary<string, string?> overrides)
    {
        var configuration = new Dictionary<string, string?>(Configuration);
        foreach (var (key, value) in overrides) configuration[key] = value;
        var port = Ports.Free();
        var host = new ServiceHost<RateLimitSettings>(configuration);
        host.UseKestrel(port);
        host.StartServer();
        var address = new Uri($"http://127.0.0.1:{port}");
        using var probe = new HttpClient { BaseAddress = address };
        await probe.WaitHealthyAsync();
        return (host, address);
    }

    private int _nextAddress;

    /// <summary>
    /// A client that appears to come from an address of its own (X-Forwarded-For, which the gateway trusts from
    /// loopback proxies only), so each test starts with a fresh anonymous rate-limit budget.
    /// </summary>
    public HttpClient CreateClient(string? accessToken = null) => CreateClient(Address, NextAddress(), accessToken);

    /// <summary>An anonymous client of a gateway instance of a test's own, from an address of its own (as <see cref="CreateClient(string?)"/>).</summary>
    public HttpClient CreateClient(Uri gateway) => CreateClient(gateway, NextAddress(), null);

    /// <summary>One caller (one address, one token) through each of the two gateway instances.</summary>
    public (HttpClient First, HttpClient Second) CreateClientsOnBothGateways(string? accessToken = null)
    {
        var address = NextAddress();
        return (CreateClient(Address, address, accessToken), CreateClient(SecondAddress, address, accessToken));
    }

    private string NextAddress() => $"198.51.100.{Interlocked.Increment(ref _nextAddress)}";

    private static HttpClient CreateClient(Uri gateway, string forwardedFor, string? accessToken)
    {
        var client = PersonaTokens.Authorized(new HttpClient { BaseAddress = gateway }, accessToken);
        client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        return client;
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null) await _gateway.DisposeAsync();
        if (_secondGateway is not null) await _secondGateway.DisposeAsync();
        if (_registry is not null) await _registry.DisposeAsync();
    }
}
