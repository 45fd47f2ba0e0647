using MassTransit;
using MenSI.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace MenSI.ServiceDefaults.Messaging;

/// <summary>
/// The inbox for a stream of small events: up to <see cref="InboxBatch.MessageLimit"/> messages that arrived together are handled
/// in one transaction. One statement records their ids (<c>ON CONFLICT DO NOTHING</c>) and returns the new ones; only
/// those reach <see cref="HandleAsync"/>, once each, so a redelivered, duplicated or concurrently handled copy has no
/// second effect. A handler that throws rolls the whole batch back and MassTransit retries it, then moves its messages
/// to the error queue. One transaction per batch instead of per event is what lets a consumer keep up with a bulk import.
/// </summary>
public abstract class InboxBatchConsumer<TEvent, TDb>(TDb db, ILogger logger) : IConsumer<Batch<TEvent>>
    where TEvent : class, IIntegrationEvent
    where TDb : DbContext
{
    protected TDb Db => db;

    /// <summary>Names this consumer in the inbox: two consumers of one event each handle it once.</summary>
    protected virtual string ConsumerName => GetType().Name;

    public async Task Consume(ConsumeContext<Batch<TEvent>> context)
    {
        var cancellationToken = context.CancellationToken;
        var arrived = context.Message.Select(m => m.Message).ToList();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var ids = arrived.Select(e => e.EventId).Distinct().ToArray();
        var fresh = (await db.Database.SqlQuery<Guid>($"""
                INSERT INTO inbox_messages (event_id, consumer, handled_at)
                SELECT id, {ConsumerName}, clock_timestamp() FROM unnest({ids}) AS id
                ON CONFLICT DO NOTHING
                RETURNING event_id AS "Value"
                """).ToListAsync(cancellationToken)).ToHashSet();
        var events = arrived.Where(e => fresh.Remove(e.EventId)).ToList(); // Remove: a copy within the batch counts once
        if (events.Count < arrived.Count)
        {
            logger.LogInformation("{Consumer} already handled {Count} of {Arrived} {EventType} events; ignoring the copies",
                ConsumerName, arrived.Count - events.Count, arrived.Count, typeof(TEvent).Name);
        }

        if (events.Count > 0) await HandleAsync(events, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The effect of the new events, in arrival order: change tracked entities; the base saves and commits.</summary>
    protected abstract Task HandleAsync(IReadOnlyList<TEvent> events, CancellationToken cancellationToken);
}

public static class InboxBatch
{
    public const int MessageLimit = 100;

    /// <summary>
    /// Batches of up to <see cref="MessageLimit"/>, closed 20 ms after the first message (a lone event waits no longer), two
    /// in flight: <c>bus.AddConsumer&lt;C&gt;((_, c) =&gt; InboxBatch.Configure(c))</c>. MassTransit sizes the prefetch to match.
    /// </summary>
    public static void Configure<TConsumer>(IConsumerConfigurator<TConsumer> consumer) where TConsumer : class =>
        consumer.Options<BatchOptions>(o => o.SetMessageLimit(MessageLimit).SetTimeLimit(TimeSpan.FromMilliseconds(20)).SetConcurrencyLimit(2));
}
