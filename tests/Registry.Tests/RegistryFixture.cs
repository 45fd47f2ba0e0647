using System.Net.Http.Json;
using MenSI.Hosting;
using MenSI.Testing;
using MenSI.Testing.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace MenSI.Registry.Tests;

/// <summary>
/// The Registry in process, on its own database, with the assembly's shared broker and Redis, validating tokens of
/// the assembly's real Identity. <see cref="Client"/> calls as a network admin; <see cref="ClientAsync"/> as anyone.
/// </summary>
public sealed class RegistryFixture : IAsyncLifetime
{
    private ServiceHost<Program>? _host;

    public PlatformServers Servers { get; private set; } = null!;
    public IdentityHost Identity { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public string AmqpUri => Servers.RabbitMq.ConnectionString;

    public async Task InitializeAsync()
    {
        Servers = await PlatformServers.GetAsync();
        Identity = await IdentityHost.GetAsync();
        _host = await StartHostAsync("registry");
        Client = await ClientAsync(Persona.NetworkAdmin);
        await Client.WaitHealthyAsync();
    }

    /// <summary>A Registry on a fresh database, wired to the shared servers (or <paramref name="broker"/>) and Identity.</summary>
    public static async Task<ServiceHost<Program>> StartHostAsync(string databasePrefix, RabbitMqResource? broker = null)
    {
        var servers = await PlatformServers.GetAsync();
        var configuration = servers.ServiceConfiguration("registry-db", await servers.CreateDatabaseAsync(databasePrefix), broker);
        (await IdentityHost.GetAsync()).Configure(configuration);
        return new ServiceHost<Program>(configuration);
    }

    /// <summary>A client calling as <paramref name="persona"/> (a real token from Identity), or anonymously when null.</summary>
    public async Task<HttpClient> ClientAsync(Persona? persona) =>
        PersonaTokens.Authorized(_host!.CreateClient(), persona is null ? null : await Identity.TokenForAsync(persona));

    /// <summary>A fresh DbContext on the service's database, to look behind the API.</summary>
    public async Task<T> QueryAsync<T>(Func<RegistryDbContext, Task<T>> query)
    {
        await using var scope = _host!.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        return await query(db);
    }

    public Task<int> CountSchoolsAsync() => QueryAsync(db => db.Schools.CountAsync());
    public Task<int> CountOutboxAsync() => QueryAsync(db => db.Set<ServiceDefaults.Messaging.OutboxMessage>().CountAsync());

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_host is not null) await _host.DisposeAsync();
    }
}

/// <summary>Request bodies for tests: a valid school, with a national id unique to the call.</summary>
public static class SchoolBodies
{
    private static int _next = 100_000;

    public static string UniqueHungarianId() => Interlocked.Increment(ref _next).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static Dictionary<string, object?> Valid(string? nationalId = null, string country = "HU", string name = "Budapesti Általános Iskola") => new()
    {
        ["country"] = country,
        ["nationalId"] = nationalId ?? UniqueHungarianId(),
        ["name"] = name,
        ["region"] = "Közép-Magyarország",
        ["city"] = "Budapest",
        ["website"] = "https://iskola.example.hu",
        ["educationLevels"] = new[] { "primary", "lower-secondary" },
        ["pupils"] = 420,
        ["teachers"] = 38,
        ["languages"] = new[] { "hu", "en" },
    };

    public static Task<HttpResponseMessage> PostAsync(this HttpClient client, object body) => client.PostAsJsonAsync("/api/v1/schools", body);
}
