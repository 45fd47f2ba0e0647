using MassTransit;
using MenSI.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MenSI.ServiceDefaults.Messaging;

/// <summary>
/// Base of every consumer: records the event's id in the inbox in the same transaction as the handler's effect,
/// so a redelivered or duplicated message has no second effect. Two copies handled at once race on the inbox's
/// primary key; the loser rolls back and is acknowledged as a duplicate. A handler that throws rolls back
/// everything and the message is retried, then moved to the error queue.
/// </summary>
public abstract class InboxConsumer<TEvent, TDb>(TDb db, ILogger logger) : IConsumer<TEvent>
    where TEvent : class, IIntegrationEvent
    where TDb : DbContext
{
    protected TDb Db => db;

    /// <summary>Names this consumer in the inbox: two consumers of one event each handle it once.</summary>
    protected virtual string ConsumerName => GetType().Name;

    public async Task Consume(ConsumeContext<TEvent> context)
    {
        var message = context.Message;
        var cancellationToken = context.CancellationToken;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        db.Set<InboxMessage>().Add(new InboxMessage { EventId = message.EventId, Consumer = ConsumerName, HandledAt = DateTimeOffset.UtcNow });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            await transaction.RollbackAsync(cancellationToken);
            logger.LogInformation("{Consumer} already handled {EventType} {EventId}; ignoring the copy",
                ConsumerName, typeof(TEvent).Name, message.EventId);
            return;
        }

        await HandleAsync(message, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The effect of the event: change tracked entities (and add outgoing events); the base saves and commits.</summary>
    protected abstract Task HandleAsync(TEvent message, CancellationToken cancellationToken);
}
