using System.Net.Http.Json;
using MenSI.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace MenSI.Registry.Tests;

/// <summary>The Registry in process, on its own database, with the assembly's shared broker and Redis.</summary>
public sealed class RegistryFixture : IAsyncLifetime
{
    private ServiceHost<Program>? _host;

    public PlatformServers Servers { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public string AmqpUri => Servers.RabbitMq.ConnectionString;

    public async Task InitializeAsync()
    {
        Servers = await PlatformServers.GetAsync();
        var database = await Servers.CreateDatabaseAsync("registry");
        _host = new ServiceHost<Program>(Servers.ServiceConfiguration("registry-db", database));
        Client = _host.CreateClient();
        await Client.WaitHealthyAsync();
    }

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
