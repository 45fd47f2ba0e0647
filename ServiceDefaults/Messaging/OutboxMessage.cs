using System.Text.Json;
using MenSI.Contracts;
using Microsoft.EntityFrameworkCore;

namespace MenSI.ServiceDefaults.Messaging;

/// <summary>
/// An integration event waiting to leave, written in the same transaction as the change it describes.
/// The dispatcher publishes pending rows in <see cref="Sequence"/> order and stamps <see cref="SentAt"/>.
/// </summary>
public sealed class OutboxMessage
{
    public long Sequence { get; private set; }
    public Guid EventId { get; private set; }
    public string EventType { get; private set; } = "";
    public string Payload { get; private set; } = "";
    public DateTimeOffset OccurredAt { get; private set; }
    public DateTimeOffset? SentAt { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    public string? LastError { get; set; }

    public static OutboxMessage From(IIntegrationEvent integrationEvent) => new()
    {
        EventId = integrationEvent.EventId,
        EventType = integrationEvent.GetType().FullName!,
        Payload = JsonSerializer.Serialize(integrationEvent, integrationEvent.GetType(), ServiceDefaultsExtensions.Json),
        OccurredAt = integrationEvent.OccurredAt,
    };

    public (IIntegrationEvent Event, Type Type) Deserialize()
    {
        var type = typeof(IIntegrationEvent).Assembly.GetType(EventType, throwOnError: true)!;
        return ((IIntegrationEvent)JsonSerializer.Deserialize(Payload, type, ServiceDefaultsExtensions.Json)!, type);
    }
}

/// <summary>An event a consumer has handled: its effect and this row commit together, so a redelivery is a no-op.</summary>
public sealed class InboxMessage
{
    public Guid EventId { get; init; }
    public string Consumer { get; init; } = "";
    public DateTimeOffset HandledAt { get; init; }
}

public static class MessagingModelExtensions
{
    /// <summary>Adds the outbox and inbox tables to a service's model. Call from <c>OnModelCreating</c>.</summary>
    public static ModelBuilder AddOutboxAndInbox(this ModelBuilder model)
    {
        model.Entity<OutboxMessage>(e =>
        {
            e.ToTable("outbox_messages");
            e.HasKey(m => m.Sequence);
            e.Property(m => m.Sequence).UseIdentityAlwaysColumn();
            e.HasIndex(m => m.EventId).IsUnique();
            e.Property(m => m.EventType).HasMaxLength(300);
            e.Property(m => m.Payload).HasColumnType("jsonb");
            e.Property(m => m.LastError).HasMaxLength(2000);
            // The dispatcher only ever looks for pending rows; keep that index small.
            e.HasIndex(m => m.Sequence).HasFilter("sent_at IS NULL").HasDatabaseName("ix_outbox_pending");
        });
        model.Entity<InboxMessage>(e =>
        {
            e.ToTable("inbox_messages");
            e.HasKey(m => new { m.EventId, m.Consumer });
            e.Property(m => m.Consumer).HasMaxLength(200);
        });
        return model;
    }

    /// <summary>Queues an integration event in the current unit of work; it leaves only if <c>SaveChanges</c> commits.</summary>
    public static void AddIntegrationEvent(this DbContext db, IIntegrationEvent integrationEvent) =>
        db.Set<OutboxMessage>().Add(OutboxMessage.From(integrationEvent));
}
