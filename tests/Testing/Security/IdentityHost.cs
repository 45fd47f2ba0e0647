using System.Net.Http.Headers;
using MenSI.Hosting;
using MenSI.Identity;

namespace MenSI.Testing.Security;

/// <summary>Who calls, for tests: a role and, where the role has one, its country or school.</summary>
public sealed record Persona(string Role, string? Country = null, Guid? SchoolId = null)
{
    public static readonly Persona NetworkAdmin = new("network-admin");
    public static readonly Persona Teacher = new("teacher");
    public static Persona MinistryOfficer(string country) => new("ministry-officer", Country: country);
    public static Persona Coordinator(Guid schoolId) => new("school-coordinator", SchoolId: schoolId);
}

/// <summary>
/// The real Identity service for a test assembly, on a real port (services fetch its keys over HTTP, as they do in
/// the AppHost), with its own database and key folder. Tokens come from it through the real flows only.
/// </summary>
public sealed class IdentityHost
{
    /// <summary>The issuer tokens name in tests; services under test are configured to expect it.</summary>
    public const string Issuer = "http://identity.mensi.test/";
    public const string AdminEmail = "admin@mensi.example";
    public const string SeedPassword = "MenSI-dev-password-2026";
    public const string MachineClientId = "ministry-hu-registry";
    public const string MachineClientSecret = "MenSI-dev-client-secret-2026";

    private static readonly Lazy<Task<IdentityHost>> Shared = new(() => StartAsync(new Dictionary<string, string?>()));
    private readonly ServiceHost<IdentityDbContext> _host;
    private readonly PersonaTokens _personas;

    private IdentityHost(ServiceHost<IdentityDbContext> host, Uri address, string keyFolder)
    {
        _host = host;
        _personas = new PersonaTokens(address, AdminEmail, SeedPassword);
        Address = address;
        KeyFolder = keyFolder;
    }

    public Uri Address { get; }
    /// <summary>Where the signing key lives: tests forge tokens with it (expired ones) or without it (wrongly signed).</summary>
    public string KeyFolder { get; }
    public IServiceProvider Services => _host.Services;

    /// <summary>The assembly's shared Identity.</summary>
    public static Task<IdentityHost> GetAsync() => Shared.Value;

    /// <summary>An Identity of the caller's own, with extra settings (small lock-out limits, short lifetimes...).</summary>
    public static async Task<IdentityHost> StartAsync(IDictionary<string, string?> settings)
    {
        var servers = await PlatformServers.GetAsync();
        var database = await servers.CreateDatabaseAsync("identity");
        // Named like the servers' folders (mensi-tests-<pid>-…), so whatever cleans up after a killed test process removes it too.
        var keys = Directory.CreateTempSubdirectory($"mensi-tests-{Environment.ProcessId}-identity-keys-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(keys, recursive: true);

        var configuration = servers.ServiceConfiguration("identity-db", database);
        configuration["Authentication:Issuer"] = Issuer;
        configuration["Identity:Keys:Folder"] = keys;
        configuration["Identity:FrontEnds:mensi-web:DisplayName"] = "MenSI web";
        configuration["Identity:FrontEnds:mensi-web:RedirectUris:0"] = TokenClient.FrontEndRedirect;
        configuration["Identity:Seed:Password"] = SeedPassword;
        configuration["Identity:Seed:Users:0:Email"] = AdminEmail;
        configuration["Identity:Seed:Users:0:DisplayName"] = "Network Admin";
        configuration["Identity:Seed:Users:0:Role"] = "network-admin";
        configuration["Identity:Seed:Clients:0:ClientId"] = MachineClientId;
        configuration["Identity:Seed:Clients:0:DisplayName"] = "Hungarian school registry";
        configuration["Identity:Seed:Clients:0:Country"] = "HU";
        configuration["Identity:Seed:Clients:0:Secret"] = MachineClientSecret;
        foreach (var (key, value) in settings) configuration[key] = value;

        var port = Ports.Free();
        var host = new ServiceHost<IdentityDbContext>(configuration);
        host.UseKestrel(port);
        host.StartServer();
        var identity = new IdentityHost(host, new Uri($"http://127.0.0.1:{port}"), keys);
        using var client = identity.CreateClient();
        await client.WaitHealthyAsync();
        return identity;
    }

    /// <summary>What a service under test needs to validate this Identity's tokens, as the AppHost would inject it.</summary>
    public void Configure(IDictionary<string, string?> serviceConfiguration)
    {
        serviceConfiguration["services:identity:http:0"] = Address.ToString();
        serviceConfiguration["Authentication:Issuer"] = Issuer;
    }

    public HttpClient CreateClient(string? accessToken = null) => PersonaTokens.Authorized(new HttpClient { BaseAddress = Address }, accessToken);

    public TokenClient Tokens() => new(Address);

    /// <summary>An access token for the persona: a user created for it through the admin API, signed in with PKCE. Cached.</summary>
    public Task<string> TokenForAsync(Persona persona) => _personas.TokenForAsync(persona);
    public Task<(Guid Id, string Email, string Password)> CreateUserAsync(Persona persona) => _personas.CreateUserAsync(persona);
    public Task<string> AdminTokenAsync() => _personas.AdminTokenAsync();

    public override string ToString() => Address.ToString();
}
