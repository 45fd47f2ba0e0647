using System.Text.Json;
using MenSI.Contracts;
using MenSI.Contracts.Clusters;
using MenSI.Contracts.Registry;
using MenSI.ServiceDefaults.Data;
using MenSI.ServiceDefaults.Messaging;
using MenSI.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;
using Xunit;

namespace MenSI.ServiceDefaults.Tests;

/// <summary>A producer's database: nothing but its outbox and inbox.</summary>
public sealed class ProducerDbContext(DbContextOptions<ProducerDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxAndInbox();
}

/// <summary>
/// The way out, against the real broker and database, read by a plain AMQP consumer as a ministry system would: what
/// goes on the wire, in which order, what happens to a row that can never be published, and what retention removes.
/// The producer is named like the Registry, so it owns the Registry's exchanges.
/// </summary>
public class OutboxTests : IAsyncLifetime
{
    private IHost _host = null!;
    private PlatformServers _servers = null!;

    public async Task InitializeAsync()
    {
        _servers = await PlatformServers.GetAsync();
        _host = await MessagingHost.StartAsync<ProducerDbContext>(_servers, "MenSI.Registry", new Dictionary<string, string?>
        {
            ["Outbox:MaxAttempts"] = "2", ["Outbox:BacklogAge"] = "00:00:01", ["Retention:SentOutbox"] = "1.00:00:00", ["Retention:Inbox"] = "2.00:00:00",
        });
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private async Task WriteAsync(params OutboxMessage[] rows)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProducerDbContext>();
        db.Set<OutboxMessage>().AddRange(rows);
        await db.SaveChangesAsync();
        scope.ServiceProvider.GetRequiredService<OutboxSignal>().Notify();
    }

    private async Task<T> QueryAsync<T>(Func<ProducerDbContext, Task<T>> query)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<ProducerDbContext>());
    }

    internal static SchoolRegistered School(string name = "Škola") =>
        new(Guid.CreateVersion7(), DateTimeOffset.UtcNow, Guid.CreateVersion7(), "CZ", "red-izo", "600012345", name, "none", "applicant", 1);

    [Fact]
    public async Task Every_exchange_of_the_service_exists_before_its_first_event()
    {
        var exchanges = EventNames.All().Where(t => EventNames.ServiceOf(t) == "registry").Select(EventNames.ExchangeFor).ToList();
        Assert.Equal(7, exchanges.Count);
        await using var connection = await new ConnectionFactory { Uri = new Uri(_servers.RabbitMq.ConnectionString) }.CreateConnectionAsync();
        var missing = await Eventually.UntilAsync(async () =>
        {
            var absent = new List<string>();
            foreach (var exchange in exchanges)
            {
                await using var channel = await connection.CreateChannelAsync();
                try { await channel.ExchangeDeclarePassiveAsync(exchange); }
                catch (RabbitMQ.Client.Exceptions.OperationInterruptedException) { absent.Add(exchange); }
            }

            return absent;
        }, absent => absent.Count == 0, TimeSpan.FromSeconds(15));
        Assert.Empty(missing);
    }

    [Fact]
    public async Task On_the_wire_an_event_is_the_catalogues_json_with_cloudevents_attributes_and_nothing_of_ours()
    {
        await using var listener = await EventListener.StartAsync(_servers.RabbitMq.ConnectionString,
            "mensi.registry.school-application-submitted", "mensi.clusters.mentoring-activity-logged");
        var application = new SchoolApplicationSubmitted(Guid.CreateVersion7(), DateTimeOffset.UtcNow, Guid.CreateVersion7(), "HR", "HR-12345", "mentee", null);
        var activity = new MentoringActivityLogged(Guid.CreateVersion7(), DateTimeOffset.UtcNow, Guid.CreateVersion7(), Guid.CreateVersion7(), "workshop", "on-site",
            new DateOnly(2026, 3, 4), [Guid.CreateVersion7()], 12.5m, 3.25m, 120.40m);
        await WriteAsync(OutboxMessage.From(application), OutboxMessage.From(activity));

        var submitted = (await listener.WaitForAsync(e => e.Exchange == "mensi.registry.school-application-submitted")).Single();
        Assert.Equal(JsonValueKind.Null, submitted.Body.GetProperty("schoolId").ValueKind); // "uuid or null": written, not omitted
        Assert.Equal(submitted.Body.GetProperty("occurredAt").GetString(), submitted.Headers[CloudEvents.Time]);
        Assert.Equal(DateTimeOffset.Parse(submitted.Headers[CloudEvents.Time], System.Globalization.CultureInfo.InvariantCulture), EventTime.Normalize(application.OccurredAt));
        Assert.DoesNotContain(submitted.Headers.Keys, h => h.StartsWith("MT-", StringComparison.OrdinalIgnoreCase));
        // The AMQP client's own confirm correlation number is the only other header: no host, process or address.
        Assert.All(submitted.Headers.Keys.Where(h => h != "x-dotnet-pub-seq-no"), h => Assert.StartsWith(CloudEvents.Prefix, h));

        var logged = (await listener.WaitForAsync(e => e.Exchange == "mensi.clusters.mentoring-activity-logged")).Single();
        Assert.Equal(JsonValueKind.Number, logged.Body.GetProperty("participantHours").ValueKind);
        Assert.Equal(120.40m, logged.Body.GetProperty("costEuro").GetDecimal());
        Assert.Equal("2026-03-04", logged.Body.GetProperty("heldOn").GetString());
    }

    [Fact]
    public async Task A_row_that_can_never_be_published_is_parked_and_the_rows_behind_it_leave_in_order()
    {
        await using var listener = await EventListener.StartAsync(_servers.RabbitMq.ConnectionString, "mensi.registry.school-registered");
        var before = School("before");
        var after = School("after");
        var poison = OutboxMessage.Raw(Guid.CreateVersion7(), "MenSI.Contracts.Registry.NoSuchEvent", """{"eventId":"x"}""", DateTimeOffset.UtcNow);
        await WriteAsync(OutboxMessage.From(before), poison, OutboxMessage.From(after));

        var received = await listener.WaitForAsync(e => e.Body.GetProperty("name").GetString() is "before" or "after", count: 2, timeout: TimeSpan.FromSeconds(30));
        Assert.Equal(["before", "after"], received.Select(e => e.Body.GetProperty("name").GetString()));

        // Stamped when the batch commits, a moment after the broker confirmed the rows behind it.
        var parked = await Eventually.UntilAsync(() => QueryAsync(db => db.Set<OutboxMessage>().AsNoTracking().SingleAsync(m => m.EventId == poison.EventId)),
            row => row.ParkedAt is not null);
        Assert.NotNull(parked.ParkedAt);
        Assert.Null(parked.SentAt);
        Assert.Equal(2, parked.Attempts);
        Assert.Contains("NoSuchEvent", parked.LastError, StringComparison.Ordinal);

        var health = await _host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Name == "outbox");
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("parked", health.Entries["outbox"].Description, StringComparison.Ordinal);
        await QueryAsync(db => db.Set<OutboxMessage>().Where(m => m.EventId == poison.EventId).ExecuteDeleteAsync()); // leave the outbox healthy
    }

    [Fact]
    public async Task Retention_removes_only_sent_rows_and_inbox_rows_past_their_age()
    {
        var now = DateTimeOffset.UtcNow;
        var oldSent = OutboxMessage.From(School("old"));
        var recentSent = OutboxMessage.From(School("recent"));
        await QueryAsync(async db =>
        {
            db.Set<OutboxMessage>().AddRange(oldSent, recentSent);
            db.Set<InboxMessage>().AddRange(
                new InboxMessage { EventId = Guid.CreateVersion7(), Consumer = "retention-old", HandledAt = now.AddDays(-3) },
                new InboxMessage { EventId = Guid.CreateVersion7(), Consumer = "retention-recent", HandledAt = now.AddHours(-1) });
            oldSent.SentAt = now.AddDays(-2);
            recentSent.SentAt = now.AddHours(-1);
            return await db.SaveChangesAsync();
        });

        var retention = _host.Services.GetServices<IHostedService>().OfType<MessageRetention<ProducerDbContext>>().Single();
        var (outbox, inbox) = await retention.PruneAsync(CancellationToken.None);

        Assert.True(outbox >= 1 && inbox >= 1);
        Assert.False(await QueryAsync(db => db.Set<OutboxMessage>().AnyAsync(m => m.EventId == oldSent.EventId)));
        Assert.True(await QueryAsync(db => db.Set<OutboxMessage>().AnyAsync(m => m.EventId == recentSent.EventId)));
        Assert.False(await QueryAsync(db => db.Set<InboxMessage>().AnyAsync(m => m.Consumer == "retention-old")));
        Assert.True(await QueryAsync(db => db.Set<InboxMessage>().AnyAsync(m => m.Consumer == "retention-recent")));
    }
}
