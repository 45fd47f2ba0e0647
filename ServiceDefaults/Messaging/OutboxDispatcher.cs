using System.Diagnostics.Metrics;
using MassTransit;
using MenSI.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MenSI.ServiceDefaults.Messaging;

public sealed class OutboxOptions
{
    /// <summary>How often pending rows are looked for when nothing wakes the dispatcher.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    public int BatchSize { get; set; } = 100;
    /// <summary>How long one publish may wait for the broker's confirm before the batch is retried later.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Wakes the dispatcher as soon as a transaction with outbox rows commits.</summary>
public sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        if (_signal.CurrentCount == 0)
        {
            try { _signal.Release(); } catch (SemaphoreFullException) { /* already signalled */ }
        }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _signal.Dispose();
}

internal sealed class OutboxSignalInterceptor(OutboxSignal signal) : SaveChangesInterceptor
{
    private bool _hasOutboxRows;

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        _hasOutboxRows = eventData.Context?.ChangeTracker.Entries<OutboxMessage>().Any(e => e.State == EntityState.Added) == true;
        return base.SavingChangesAsync(eventData, result, cancellationToken);
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        // Inside an explicit transaction the rows are not visible yet; the poll picks them up right after commit.
        if (_hasOutboxRows && eventData.Context?.Database.CurrentTransaction is null) signal.Notify();
        return base.SavedChangesAsync(eventData, result, cancellationToken);
    }
}

public static class OutboxMetrics
{
    public const string MeterName = "MenSI.Outbox";
    internal static readonly Meter Meter = new(MeterName);
    internal static readonly Counter<long> Published = Meter.CreateCounter<long>("mensi.outbox.published");
    internal static readonly Counter<long> Failed = Meter.CreateCounter<long>("mensi.outbox.publish_failures");
}

/// <summary>
/// Relays committed outbox rows to RabbitMQ. Rows are claimed with <c>FOR UPDATE SKIP LOCKED</c>, so several replicas
/// share the work without publishing a row twice, and stamped sent only after the broker confirmed the publish.
/// If the broker is away the batch stops at the first failure (keeping order) and is retried with back-off:
/// an outage delays events, it never loses them. A crash after the publish and before the stamp republishes that
/// row once, which consumers absorb through their inbox (at-least-once delivery, exactly-once effect).
/// </summary>
public sealed class OutboxDispatcher<TDb>(
    IServiceScopeFactory scopes,
    IBus bus,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    ILogger<OutboxDispatcher<TDb>> logger) : BackgroundService where TDb : DbContext
{
    private readonly OutboxOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            int published;
            try
            {
                published = await DispatchBatchAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Outbox dispatch failed; retrying");
                published = 0;
            }

            if (published < _options.BatchSize)
            {
                try { await signal.WaitAsync(_options.PollInterval, stoppingToken); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>Publishes one batch of due rows; returns how many were published.</summary>
    public async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDb>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var due = await db.Set<OutboxMessage>()
            .FromSql($"""
                SELECT * FROM outbox_messages
                WHERE sent_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= now())
                ORDER BY sequence LIMIT {_options.BatchSize} FOR UPDATE SKIP LOCKED
                """)
            .ToListAsync(cancellationToken);
        if (due.Count == 0) return 0;

        // The whole batch is handed to the transport at once, in sequence order (one channel per exchange keeps that
        // order on the wire), and the broker's confirms are awaited together: waiting for each confirm before the next
        // publish held a busy machine to about 200 events/s.
        var attempts = due.Select(row => (Row: row, Publish: PublishAsync(row, cancellationToken))).ToList();
        var published = 0;
        foreach (var (row, publish) in attempts)
        {
            try
            {
                await publish;
                row.SentAt = DateTimeOffset.UtcNow;
                row.LastError = null;
                published++;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // Later rows of the batch may have gone out already; consumers order by the entities' versions, not arrival.
                row.Attempts++;
                row.LastError = e.Message.Length > 2000 ? e.Message[..2000] : e.Message;
                var backoff = TimeSpan.FromMilliseconds(Math.Min(_options.MaxBackoff.TotalMilliseconds, 250 * Math.Pow(2, Math.Min(row.Attempts, 16))));
                row.NextAttemptAt = DateTimeOffset.UtcNow + backoff;
                OutboxMetrics.Failed.Add(1);
                logger.LogWarning("Publishing {EventType} {EventId} failed (attempt {Attempts}), next try in {Backoff}: {Error}",
                    row.EventType, row.EventId, row.Attempts, backoff, e.Message);
            }
        }

        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        OutboxMetrics.Published.Add(published);
        if (published > 0) logger.LogDebug("Outbox published {Count} event(s)", published);
        return published;
    }

    private async Task PublishAsync(OutboxMessage row, CancellationToken cancellationToken)
    {
        var (message, type) = row.Deserialize();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.PublishTimeout);
        await bus.Publish(message, type, context =>
        {
            context.MessageId = row.EventId;
            CloudEvents.Stamp(context.Headers, row.EventId, type, row.OccurredAt);
        }, timeout.Token);
    }
}
