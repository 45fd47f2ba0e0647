using MenSI.ServiceDefaults.Messaging;
using MenSI.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace MenSI.ServiceDefaults.Tests;

/// <summary>
/// Events leave as soon as the commit that wrote them, with or without an explicit transaction: the dispatcher polls
/// only once a minute here, so an event that arrives within seconds was sent because its commit woke the dispatcher.
/// </summary>
public class OutboxWakeUpTests : IAsyncLifetime
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);
    private IHost _host = null!;
    private PlatformServers _servers = null!;

    public async Task InitializeAsync()
    {
        _servers = await PlatformServers.GetAsync();
        _host = await MessagingHost.StartAsync<ProducerDbContext>(_servers, "MenSI.Registry", new Dictionary<string, string?> { ["Outbox:PollInterval"] = "00:01:00" });
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    [Fact]
    public async Task An_event_written_by_SaveChanges_or_in_an_explicit_transaction_leaves_at_its_commit_not_at_the_next_poll()
    {
        await using var listener = await EventListener.StartAsync(_servers.RabbitMq.ConnectionString, "mensi.registry.school-registered");
        // The dispatcher's first look at the table happens at start; from here on only a wake-up or the minute's poll sends.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var plain = OutboxTests.School("Plain save " + Guid.NewGuid());
        await using (var scope = _host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProducerDbContext>();
            db.AddIntegrationEvent(plain);
            await db.SaveChangesAsync();
        }

        await listener.WaitForAsync(e => e.Body.GetProperty("name").GetString() == plain.Name, timeout: Prompt);

        var transactional = OutboxTests.School("In a transaction " + Guid.NewGuid());
        var rolledBack = OutboxTests.School("Rolled back " + Guid.NewGuid());
        await using (var scope = _host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProducerDbContext>();
            await using (var abandoned = await db.Database.BeginTransactionAsync())
            {
                db.AddIntegrationEvent(rolledBack);
                await db.SaveChangesAsync();
                await abandoned.RollbackAsync();
            }

            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.AddIntegrationEvent(transactional);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        await listener.WaitForAsync(e => e.Body.GetProperty("name").GetString() == transactional.Name, timeout: Prompt);
        Assert.DoesNotContain(listener.Received, e => e.Body.GetProperty("name").GetString() == rolledBack.Name);
    }
}
