using System.Text.Json;
using MenSI.Contracts;
using MenSI.ServiceDefaults.Messaging;
using MenSI.Testing.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace MenSI.Testing;

/// <summary>
/// One service for a test assembly, in process, on its own database of the shared private servers, with the assembly's
/// real Identity; the other services reach it the only way they can, as their events on the broker
/// (<see cref="PublishAsync"/>). Each service's fixture names its database and adds its own settings and callers.
/// </summary>
public abstract class ServiceFixture<TDb> : IAsyncLifetime where TDb : DbContext
{
    private ServiceHost<TDb>? _host;
    private EventPublisher? _publisher;

    public IdentityHost Identity { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;

    /// <summary>The service's connection name, e.g. <c>community-db</c>.</summary>
    protected abstract string DatabaseName { get; }

    /// <summary>Settings of the service's own, over the shared servers' and Identity's.</summary>
    protected virtual void Configure(IDictionary<string, string?> configuration)
    {
    }

    public virtual async Task InitializeAsync()
    {
        var servers = await PlatformServers.GetAsync();
        Identity = await IdentityHost.GetAsync();
        var configuration = servers.ServiceConfiguration(DatabaseName, await servers.CreateDatabaseAsync(DatabaseName.Replace("-db", "", StringComparison.Ordinal)));
        Configure(configuration);
        Identity.Configure(configuration);
        _host = new ServiceHost<TDb>(configuration);
        Admin = await ClientAsync(Persona.NetworkAdmin);
        await Admin.WaitHealthyAsync();
        _publisher = await EventPublisher.ConnectAsync(servers.RabbitMq.ConnectionString);
    }

    /// <summary>A client with the persona's token (one user per persona), or anonymous for null.</summary>
    public async Task<HttpClient> ClientAsync(Persona? persona) =>
        PersonaTokens.Authorized(_host!.CreateClient(), persona is null ? null : await Identity.TokenForAsync(persona));

    public HttpClient ClientWithToken(string accessToken) => PersonaTokens.Authorized(_host!.CreateClient(), accessToken);

    /// <summary>A brand-new person of the persona, signed in: someone whose limits and history no other test shares.</summary>
    public async Task<HttpClient> NewPersonAsync(Persona persona)
    {
        var (_, email, password) = await Identity.CreateUserAsync(persona);
        using var tokens = new TokenClient(Identity.Address);
        return ClientWithToken((await tokens.SignInAsync(email, password)).AccessToken);
    }

    public Task PublishAsync(IIntegrationEvent integrationEvent) => _publisher!.PublishAsync(integrationEvent);

    public async Task<T> QueryAsync<T>(Func<TDb, Task<T>> query)
    {
        await using var scope = _host!.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<TDb>());
    }

    /// <summary>The outgoing events of one type (e.g. <c>PostPublished</c>) whose <paramref name="field"/> is <paramref name="id"/>, in outbox order: what will be, or was, published.</summary>
    public Task<List<JsonElement>> OutboxAsync(string eventType, string field, Guid id) => QueryAsync(async db =>
        (await db.Set<OutboxMessage>().AsNoTracking().Where(m => m.EventType.EndsWith("." + eventType)).OrderBy(m => m.Sequence).ToListAsync())
        .Select(m => JsonDocument.Parse(m.Payload).RootElement.Clone())
        .Where(e => e.GetProperty(field).GetGuid() == id).ToList());

    public virtual async Task DisposeAsync()
    {
        if (_publisher is not null) await _publisher.DisposeAsync();
        Admin?.Dispose();
        if (_host is not null) await _host.DisposeAsync();
    }
}
