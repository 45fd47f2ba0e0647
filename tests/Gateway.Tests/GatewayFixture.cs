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

    public IdentityHost Identity { get; private set; } = null!;
    public Uri Address { get; private set; } = null!;

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

        var configuration = new Dictionary<string, string?>
        {
            ["services:registry:http:0"] = $"http://127.0.0.1:{registryPort}",
            // These tests exercise the gateway's own rules through Registry routes; Clusters' routes point at a closed port.
            ["services:clusters:http:0"] = $"http://127.0.0.1:{Ports.Free()}",
            ["services:courses:http:0"] = $"http://127.0.0.1:{Ports.Free()}",
            ["services:community:http:0"] = $"http://127.0.0.1:{Ports.Free()}",
            ["services:policy:http:0"] = $"http://127.0.0.1:{Ports.Free()}",
            ["ConnectionStrings:redis"] = servers.Redis.ConnectionString,
            ["Gateway:RateLimits:Anonymous:PermitLimit"] = AnonymousLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway:RateLimits:Anonymous:Window"] = "00:00:02",
            ["Gateway:RateLimits:Authenticated:PermitLimit"] = AuthenticatedLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway:RateLimits:Authenticated:Window"] = "00:00:02",
            ["Gateway:Cors:AllowedOrigins:0"] = AllowedOrigin,
            ["Kestrel:Limits:MaxRequestBodySize"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        Identity.Configure(configuration);
        var port = Ports.Free();
        _gateway = new ServiceHost<RateLimitSettings>(configuration);
        _gateway.UseKestrel(port);
        _gateway.StartServer();
        Address = new Uri($"http://127.0.0.1:{port}");
        using var probe = CreateClient();
        await probe.WaitHealthyAsync();
    }

    private int _nextAddress;

    /// <summary>
    /// A client that appears to come from an address of its own (X-Forwarded-For, which the gateway trusts from
    /// loopback proxies only), so each test starts with a fresh anonymous rate-limit budget.
    /// </summary>
    public HttpClient CreateClient(string? accessToken = null)
    {
        var client = PersonaTokens.Authorized(new HttpClient { BaseAddress = Address }, accessToken);
        client.DefaultRequestHeaders.Add("X-Forwarded-For", $"198.51.100.{Interlocked.Increment(ref _nextAddress)}");
        return client;
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null) await _gateway.DisposeAsync();
        if (_registry is not null) await _registry.DisposeAsync();
    }
}
