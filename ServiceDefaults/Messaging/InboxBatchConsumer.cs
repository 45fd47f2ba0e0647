using MassTransit;
using MenSI.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MenSI.ServiceDefaults.Messaging;

/// <summary>
/// The inbox, and the one way the platform consumes events. Up to <see cref="InboxBatch.MessageLimit"/> messages that
/// arrived together are handled in one transaction: one statement records their ids (<c>ON CONFLICT DO NOTHING</c>)
/// and returns the new ones; only those reach <see cref="HandleAsync"/>, once each, so a redelivered, duplicated or
/// concurrently handled copy has no second effect. One transaction per batch instead of per event is what lets a
/// consumer keep up with a bulk import.
/// <para>
/// Failures: a transient one (database or broker away, a lost serialization race; <see cref="TransientFailures"/>)
/// propagates and the batch is retried with back-off until it succeeds. Any other failure of a batch of several is
/// narrowed down: each event is handled alone, the good ones take effect and only the bad one is parked in the
/// endpoint's error queue, as it arrived. A bad event alone is retried a few times, then goes to the error queue.
/// </para>
/// </summary>
public abstract class InboxBatchConsumer<TEvent, TDb>(TDb db, ILogger logger) : IConsumer<Batch<TEvent>>
    where TEvent : class, IIntegrationEvent
    where TDb : DbContext
{
    protected TDb Db => db;

    /// <summary>
    /// Names this consumer in the inbox, for good: two consumers of one event each handle it once, and a consumer that
    /// is renamed in code keeps its name here, or every event it already handled would count as new.
    /// </summary>
    protected abstract string InboxName { get; }

    public async Task Consume(ConsumeContext<Batch<TEvent>> context)
    {
        var batch = context.Message;
        try
        {
            await HandleInTransactionAsync(batch.Select(m => m.Message).ToList(), context.CancellationToken);
        }
        catch (Exception e) when (batch.Length > 1 && !TransientFailures.IsTransient(e) && !context.CancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("{Consumer}: a batch of {Count} {EventType} events failed ({Error}); handling them one by one",
                InboxName, batch.Length, typeof(TEvent).Name, e.Message);
            var broker = context.GetPayload<IServiceProvider>().GetRequiredService<BrokerConnection>();
            foreach (var message in batch) await HandleAloneAsync(broker, message, context.CancellationToken);
        }
    }

    /// <summary>One event of a failed batch, a few times (a lost race on a new row succeeds the second time), then parked.</summary>
    private async Task HandleAloneAsync(BrokerConnection broker, ConsumeContext<TEvent> message, CancellationToken cancellationToken)
    {
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await HandleInTransactionAsync([message.Message], cancellationToken);
                return;
            }
            catch (Exception e) when (!TransientFailures.IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                if (attempt < attempts)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), cancellationToken);
                    continue;
                }

                logger.LogError(e, "{Consumer}: {EventType} {EventId} cannot be handled; parking it in the error queue",
                    InboxName, typeof(TEvent).Name, message.Message.EventId);
                await ErrorQueue.ParkAsync(broker, message, e, cancellationToken);
                return;
            }
        }
    }

    private async Task HandleInTransactionAsync(IReadOnlyList<TEvent> arrived, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear(); // nothing of a rolled-back attempt may be saved by the next
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var ids = arrived.Select(e => e.EventId).Distinct().ToArray();
        var fresh = (await db.Database.SqlQuery<Guid>($"""
                INSERT INTO inbox_messages (event_id, consumer, handled_at)
                SELECT id, {InboxName}, clock_timestamp() FROM unnest({ids}) AS id
                ON CONFLICT DO NOTHING
                RETURNING event_id AS "Value"
                """).ToListAsync(cancellationToken)).ToHashSet();
        var events = arrived.Where(e => fresh.Remove(e.EventId)).ToList(); // Remove: a copy within the batch counts once
        if (events.Count < arrived.Count)
        {
            logger.LogInformation("{Consumer} already handled {Count} of {Arrived} {EventType} events; ignoring the copies",
                InboxName, arrived.Count - events.Count, arrived.Count, typeof(TEvent).Name);
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
    /// Batches of up to <see cref="MessageLimit"/>, closed <see cref="TimeLimit"/> after the first message (a lone event waits
    /// no longer), two in flight: <c>bus.AddConsumer&lt;C&gt;((_, c) =&gt; InboxBatch.Configure(c))</c>. MassTransit sizes the
    /// prefetch to match. Under load batches fill while the previous one commits, so the window only sets what a lone
    /// event waits: at 20 ms it was the largest part of an event's time in Clusters (docs/benchmarks.md, pipeline).
    /// </summary>
    public static void Configure<TConsumer>(IConsumerConfigurator<TConsumer> consumer) where TConsumer : class =>
        consumer.Options<BatchOptions>(o => o.SetMessageLimit(MessageLimit).SetTimeLimit(TimeLimit).SetConcurrencyLimit(2));

    public static readonly TimeSpan TimeLimit = TimeSpan.FromMilliseconds(3);
}
