using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Contracts.Clusters;
using MenSI.Testing;
using MenSI.Testing.Security;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace MenSI.Community.Tests;

/// <summary>
/// One Community service for the assembly, on its own database, with the assembly's real Identity. Clusters reach it
/// the only way they can: as Clusters' events on the broker.
/// </summary>
public sealed class CommunityFixture : IAsyncLifetime
{
    public const int PostsPerMinute = 4;
    private ServiceHost<CommunityDbContext>? _host;
    private EventPublisher? _publisher;

    public IdentityHost Identity { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var servers = await PlatformServers.GetAsync();
        Identity = await IdentityHost.GetAsync();
        var configuration = servers.ServiceConfiguration("community-db", await servers.CreateDatabaseAsync("community"));
        configuration["Community:Posting:PerMinute"] = PostsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Identity.Configure(configuration);
        _host = new ServiceHost<CommunityDbContext>(configuration);
        Admin = await ClientAsync(Persona.NetworkAdmin);
        await Admin.WaitHealthyAsync();
        _publisher = await EventPublisher.ConnectAsync(servers.RabbitMq.ConnectionString);
    }

    public async Task<HttpClient> ClientAsync(Persona? persona) =>
        PersonaTokens.Authorized(_host!.CreateClient(), persona is null ? null : await Identity.TokenForAsync(persona));

    /// <summary>A new person of their own (so posting limits never collide): a teacher, of <paramref name="schoolId"/> when given.</summary>
    public async Task<HttpClient> MemberAsync(Guid? schoolId = null, string role = "teacher", string? country = null)
    {
        var (_, email, password) = await Identity.CreateUserAsync(new Persona(role, country, schoolId));
        using var tokens = new TokenClient(Identity.Address);
        return PersonaTokens.Authorized(_host!.CreateClient(), (await tokens.SignInAsync(email, password)).AccessToken);
    }

    public Task PublishAsync(MenSI.Contracts.IIntegrationEvent integrationEvent) => _publisher!.PublishAsync(integrationEvent);

    /// <summary>A cluster as Clusters announces it: formed around <paramref name="mentor"/> in <paramref name="country"/>.</summary>
    public Task FormClusterAsync(Guid cluster, Guid mentor, string country) =>
        PublishAsync(new ClusterFormed(Guid.CreateVersion7(), DateTimeOffset.UtcNow, cluster, country, mentor, "top-down", "ministry", "voluntary", 1));

    public async Task<T> QueryAsync<T>(Func<CommunityDbContext, Task<T>> query)
    {
        await using var scope = _host!.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<CommunityDbContext>());
    }

    public async Task DisposeAsync()
    {
        if (_publisher is not null) await _publisher.DisposeAsync();
        Admin.Dispose();
        if (_host is not null) await _host.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class CommunityCollection : ICollectionFixture<CommunityFixture>
{
    public const string Name = "community";
}

public static class CommunityCalls
{
    public static async Task<Guid> OpenSpaceAsync(this HttpClient admin, string kind = "public", string? country = null, string? theme = null) =>
        (await admin.PostAsJsonAsync("/api/v1/community/spaces", new { kind, name = $"Space {Guid.NewGuid():N}"[..20], description = "For tests", country, theme }).OkAsync())
        .GetProperty("id").GetGuid();

    public static Task<JsonElement> StartThreadAsync(this HttpClient member, Guid space, string title, string body, string language = "en", string[]? tags = null) =>
        member.PostAsJsonAsync($"/api/v1/community/spaces/{space}/threads", new { title, body, language, tags = tags ?? [] }).OkAsync();
}
