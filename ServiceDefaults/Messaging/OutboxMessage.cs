using System.Text.Json;
using System.Text.Json.Serialization;
using MenSI.Contracts;
using Microsoft.EntityFrameworkCore;

namespace MenSI.ServiceDefaults.Messaging;

/// <summary>
/// An integration event waiting to leave, written in the same transaction as the change it describes.
/// The dispatcher publishes pending rows in <see cref="Sequence"/> order and stamps <see cref="SentAt"/>; a row that can
/// never be published (its type unknown, its payload broken) is stamped <see cref="ParkedAt"/> and left for an operator.
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
    public DateTimeOffset? ParkedAt { get; set; }
    public string? LastError { get; set; }

    /// <summary>
    /// The contract's JSON as it goes on the wire: camelCase, kebab-case enums, every field written (a null is
    /// <c>null</c>, as the catalogue says), times in <see cref="EventTime"/>'s one format.
    /// </summary>
    public static readonly JsonSerializerOptions ContractJson = CreateContractJson();

    public static OutboxMessage From(IIntegrationEvent integrationEvent)
    {
        var occurredAt = EventTime.Normalize(integrationEvent.OccurredAt);
        return new OutboxMessage
        {
            EventId = integrationEvent.EventId,
            EventType = integrationEvent.GetType().FullName!,
            Payload = JsonSerializer.Serialize(integrationEvent, integrationEvent.GetType(), ContractJson),
            OccurredAt = occurredAt,
        };
    }

    /// <summary>For tests and operators: a row as a broken writer or an older version of the code could have left it.</summary>
    public static OutboxMessage Raw(Guid eventId, string eventType, string payload, DateTimeOffset occurredAt) =>
        new() { EventId = eventId, EventType = eventType, Payload = payload, OccurredAt = EventTime.Normalize(occurredAt) };

    /// <summary>The contract type, after checking the payload reads as one; throws when the row can never be published.</summary>
    public Type ResolveType()
    {
        var type = typeof(IIntegrationEvent).Assembly.GetType(EventType, throwOnError: false)
                   ?? throw new PoisonOutboxRowException($"Unknown event type '{EventType}'.");
        _ = JsonSerializer.Deserialize(Payload, type, ContractJson) ?? throw new PoisonOutboxRowException("The payload is null.");
        return type;
    }

    private static JsonSerializerOptions CreateContractJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ServiceDefaultsExtensions.ConfigureJson(options);
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.Converters.Add(new EventTime.Converter());
        return options;
    }
}

/// <summary>
/// An event a consumer has handled: its effect and this row commit together, so a redelivery is a no-op.
/// <see cref="Consumer"/> is the consumer's declared inbox name, never its class name: a rename must not reset its history.
/// </summary>
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
            e.HasIndex(m => m.Sequence).HasFilter("sent_at IS NULL AND parked_at IS NULL").HasDatabaseName("ix_outbox_pending");
            // Retention deletes sent rows by age.
            e.HasIndex(m => m.SentAt).HasFilter("sent_at IS NOT NULL").HasDatabaseName("ix_outbox_sent_at");
        });
        model.Entity<InboxMessage>(e =>
        {
            e.ToTable("inbox_messages");
            e.HasKey(m => new { m.EventId, m.Consumer });
            e.Property(m => m.Consumer).HasMaxLength(200);
            e.HasIndex(m => m.HandledAt).HasDatabaseName("ix_inbox_handled_at");
        });
        return model;
    }

    /// <summary>Queues an integration event in the current unit of work; it leaves only if <c>SaveChanges</c> commits.</summary>
    public static void AddIntegrationEvent(this DbContext db, IIntegrationEvent integrationEvent) =>
        db.Set<OutboxMessage>().Add(OutboxMessage.From(integrationEvent));
}
