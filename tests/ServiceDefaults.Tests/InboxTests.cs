using System.Text;
using System.Text.Json;
using MassTransit;
using MenSI.Contracts.Registry;
using MenSI.ServiceDefaults.Data;
using MenSI.ServiceDefaults.Messaging;
using MenSI.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using Xunit;

namespace MenSI.ServiceDefaults.Tests;

/// <summary>A consumer's database: what it did, and its inbox.</summary>
public sealed class ConsumerDbContext(DbContextOptions<ConsumerDbContext> options) : DbContext(options)
{
    public DbSet<SchoolSeen> Seen => Set<SchoolSeen>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<SchoolSeen>().HasKey(s => s.Id);
        modelBuilder.AddOutboxAndInbox();
    }
}

public sealed class SchoolSeen
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid SchoolId { get; set; }
}

/// <summary>Records each school it hears of; a school named "poison" makes it fail after writing.</summary>
public sealed class SchoolSeenConsumer(ConsumerDbContext db, ILogger<SchoolSeenConsumer> logger) : InboxBatchConsumer<SchoolRegistered, ConsumerDbContext>(db, logger)
{
    protected override string InboxName => "school-seen";

    protected override Task HandleAsync(IReadOnlyList<SchoolRegistered> events, CancellationToken cancellationToken)
    {
        foreach (var e in events)
        {
            Db.Seen.Add(new SchoolSeen { SchoolId = e.SchoolId });
            if (e.Name == "poison") throw new InvalidOperationException("cannot handle this school");
        }

        return Task.CompletedTask;
    }
}

/// <summary>The inbox and the error queue against the real broker and database, with messages sent by a plain AMQP client.</summary>
public class InboxTests : IAsyncLifetime
{
    private IHost _host = null!;
    private PlatformServers _servers = null!;

    public async Task InitializeAsync()
    {
        _servers = await PlatformServers.GetAsync();
        _host = await MessagingHost.StartAsync<ConsumerDbContext>(_servers, "MenSI.InboxProbe",
            new Dictionary<string, string?> { ["Messaging:RetryLimit"] = "2", ["Messaging:RetryMinInterval"] = "00:00:00.050" },
            bus => bus.AddConsumer<SchoolSeenConsumer>((_, c) => InboxBatch.Configure(c)));
        var health = await _host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
        Assert.Equal(BusHealthStatus.Healthy, health);
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private static SchoolRegistered Event(Guid eventId, string name = "Škola") =>
        new(eventId, DateTimeOffset.UtcNow, Guid.CreateVersion7(), "CZ", "red-izo", "600012345", name, "none", "applicant", 1);

    /// <summary>Publishes as a ministry system or another platform would: plain JSON on the event's exchange.</summary>
    private async Task SendAsync(params SchoolRegistered[] events)
    {
        await using var connection = await new ConnectionFactory { Uri = new Uri(_servers.RabbitMq.ConnectionString) }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        foreach (var e in events)
        {
            var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(e, ServiceDefaultsExtensions.Json));
            await channel.BasicPublishAsync("mensi.registry.school-registered", "", mandatory: false,
                new BasicProperties { ContentType = "application/json", MessageId = e.EventId.ToString() }, body);
        }
    }

    private async Task<List<Guid>> SeenAsync()
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ConsumerDbContext>().Seen.Select(s => s.SchoolId).ToListAsync();
    }

    [Fact]
    public async Task The_same_event_delivered_twice_has_one_effect()
    {
        var once = Event(Guid.CreateVersion7());
        var other = Event(Guid.CreateVersion7());

        await SendAsync(once, once, other, once);

        var seen = await Eventually.UntilAsync(SeenAsync, s => s.Contains(once.SchoolId) && s.Contains(other.SchoolId));
        await Task.Delay(TimeSpan.FromSeconds(1)); // let any late duplicate land
        seen = await SeenAsync();
        Assert.Single(seen, id => id == once.SchoolId);
        Assert.Single(seen, id => id == other.SchoolId);
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsumerDbContext>();
        Assert.Equal(1, await db.Set<InboxMessage>().CountAsync(m => m.EventId == once.EventId));
    }

    [Fact]
    public async Task A_message_that_keeps_failing_goes_to_the_error_queue_and_leaves_no_effect()
    {
        var poison = Event(Guid.CreateVersion7(), name: "poison");
        var healthy = Event(Guid.CreateVersion7());

        await SendAsync(poison, healthy);

        var seen = await Eventually.UntilAsync(SeenAsync, s => s.Contains(healthy.SchoolId)); // the queue is not blocked
        Assert.Contains(healthy.SchoolId, seen);
        var dead = await ParkedAsync(poison.EventId);
        Assert.NotNull(dead);
        Assert.DoesNotContain(poison.SchoolId, await SeenAsync()); // the failed attempt's write was rolled back
    }

    [Fact]
    public async Task A_poison_event_among_99_good_ones_is_parked_alone_and_the_99_take_effect()
    {
        var good = Enumerable.Range(0, 99).Select(_ => Event(Guid.CreateVersion7())).ToList();
        var poison = Event(Guid.CreateVersion7(), name: "poison");
        await SendAsync([.. good.Take(50), poison, .. good.Skip(50)]);

        var seen = await Eventually.UntilAsync(SeenAsync, s => good.All(g => s.Contains(g.SchoolId)), TimeSpan.FromSeconds(30));
        Assert.All(good, g => Assert.Single(seen, id => id == g.SchoolId));
        var dead = await ParkedAsync(poison.EventId);
        Assert.NotNull(dead);
        Assert.Equal("fault", Encoding.UTF8.GetString((byte[])dead.BasicProperties.Headers!["MT-Reason"]!));
        Assert.DoesNotContain(poison.SchoolId, await SeenAsync());
    }

    /// <summary>The message with this event id in the consumer's error queue, as it arrived (other parked messages are taken off).</summary>
    private async Task<BasicGetResult?> ParkedAsync(Guid eventId)
    {
        var errorQueue = _host.Services.GetRequiredService<IEndpointNameFormatter>().Consumer<SchoolSeenConsumer>() + "_error";
        await using var connection = await new ConnectionFactory { Uri = new Uri(_servers.RabbitMq.ConnectionString) }.CreateConnectionAsync();
        return await Eventually.UntilAsync(async () =>
        {
            // The error queue is declared when the first message fails for good; until then the get is refused.
            await using var channel = await connection.CreateChannelAsync();
            try
            {
                while (await channel.BasicGetAsync(errorQueue, autoAck: true) is { } message)
                {
                    if (JsonDocument.Parse(message.Body).RootElement.GetProperty("eventId").GetGuid() == eventId) return message;
                }

                return null;
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException) { return null; }
        }, message => message is not null, TimeSpan.FromSeconds(20));
    }
}
