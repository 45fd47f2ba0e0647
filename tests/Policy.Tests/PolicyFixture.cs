using MenSI.Testing;
using MenSI.Testing.Security;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace MenSI.Policy.Tests;

/// <summary>
/// One Policy service for the assembly, on its own database, with the assembly's real Identity. The other services
/// reach it the only way they can: as their events on the broker.
/// </summary>
public sealed class PolicyFixture : IAsyncLifetime
{
    private ServiceHost<PolicyDbContext>? _host;
    private EventPublisher? _publisher;

    public IdentityHost Identity { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var servers = await PlatformServers.GetAsync();
        Identity = await IdentityHost.GetAsync();
        var configuration = servers.ServiceConfiguration("policy-db", await servers.CreateDatabaseAsync("policy"));
        Identity.Configure(configuration);
        _host = new ServiceHost<PolicyDbContext>(configuration);
        Admin = await ClientAsync(Persona.NetworkAdmin);
        await Admin.WaitHealthyAsync();
        _publisher = await EventPublisher.ConnectAsync(servers.RabbitMq.ConnectionString);
    }

    public async Task<HttpClient> ClientAsync(Persona? persona) =>
        PersonaTokens.Authorized(_host!.CreateClient(), persona is null ? null : await Identity.TokenForAsync(persona));

    public Task PublishAsync(MenSI.Contracts.IIntegrationEvent integrationEvent) => _publisher!.PublishAsync(integrationEvent);

    public async Task<T> QueryAsync<T>(Func<PolicyDbContext, Task<T>> query)
    {
        await using var scope = _host!.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<PolicyDbContext>());
    }

    public async Task DisposeAsync()
    {
        if (_publisher is not null) await _publisher.DisposeAsync();
        Admin.Dispose();
        if (_host is not null) await _host.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class PolicyCollection : ICollectionFixture<PolicyFixture>
{
    public const string Name = "policy";
}
