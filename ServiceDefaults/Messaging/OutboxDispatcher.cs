using System.Diagnostics.Metrics;
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
    /// <summary>How long one batch may wait for the broker's confirms before it is retried.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>How often a row that can never be published (unknown type, broken payload) is tried before it is parked.</summary>
    public int MaxAttempts { get; set; } = 5;
    /// <summary>Pending rows older than this make readiness Degraded: events are not leaving.</summary>
    public TimeSpan BacklogAge { get; set; } = TimeSpan.FromSeconds(30);
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

/// <summary>
/// Wakes the dispatcher when outbox rows become visible: right after a <c>SaveChanges</c> that wrote them, or, inside an
/// explicit transaction, right after its commit (before it, the dispatcher would find nothing and wait a whole poll).
/// One per context's scope, so its flags are one unit of work's.
/// </summary>
internal sealed class OutboxSignalInterceptor(OutboxSignal signal) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private bool _hasOutboxRows, _awaitingCommit;

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        _hasOutboxRows = eventData.Context?.ChangeTracker.Entries<OutboxMessage>().Any(e => e.State == EntityState.Added) == true;
        return base.SavingChangesAsync(eventData, result, cancellationToken);
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (_hasOutboxRows)
        {
            if (eventData.Context?.Database.CurrentTransaction is null) signal.Notify();
            else _awaitingCommit = true;
        }

        return base.SavedChangesAsync(eventData, result, cancellationToken);
    }

    public Task TransactionCommittedAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (!_awaitingCommit) return;
        _awaitingCommit = false;
        signal.Notify();
    }

    public Task TransactionRolledBackAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        _awaitingCommit = false;
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData) => _awaitingCommit = false;
}

public static class OutboxMetrics
{
    public const string MeterName = "MenSI.Outbox";
    internal static readonly Meter Meter = new(MeterName);
    internal static readonly Counter<long> Published = Meter.CreateCounter<long>("mensi.outbox.published");
    internal static readonly Counter<long> Failed = Meter.CreateCounter<long>("mensi.outbox.publish_failures");
    internal static readonly Counter<long> Parked = Meter.CreateCounter<long>("mensi.outbox.parked");
}

/// <summary>
/// Relays committed outbox rows to RabbitMQ, strictly in <see cref="OutboxMessage.Sequence"/> order: one dispatcher
/// of a database publishes at a time (a transaction-scoped advisory lock, so two replicas never interleave their
/// batches), and a batch that fails is retried from its first unconfirmed row before anything after it is taken, so
/// the events of one entity leave in the order they were written. Rows are stamped sent only after the broker
/// confirmed them: an outage delays events, it never loses them. A crash after the publish and before the stamp
/// republishes those rows once, which consumers absorb through their inbox (at least once on the wire, exactly once
/// in effect). A row that can never be published is tried <see cref="OutboxOptions.MaxAttempts"/> times, then parked
/// (logged as an error, counted in readiness) so it no longer holds back the rows behind it.
/// </summary>
public sealed class OutboxDispatcher<TDb>(
    IServiceScopeFactory scopes,
    OutboxPublisher publisher,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    ILogger<OutboxDispatcher<TDb>> logger) : BackgroundService where TDb : DbContext
{
    private readonly OutboxOptions _options = options.Value;
    private int _failuresInARow;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            int published;
            try
            {
                // Declaring the exchanges does not wait for a first event: consumers may bind as soon as we are up.
                await publisher.EnsureOpenAsync(stoppingToken);
                published = await DispatchBatchAsync(stoppingToken);
                _failuresInARow = 0;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                _failuresInARow++;
                var backoff = TimeSpan.FromMilliseconds(Math.Min(_options.MaxBackoff.TotalMilliseconds, 250 * Math.Pow(2, Math.Min(_failuresInARow, 16))));
                logger.LogWarning("Outbox dispatch failed ({Failures} in a row), retrying in {Backoff}: {Error}", _failuresInARow, backoff, e.Message);
                await publisher.ResetAsync();
                try { await Task.Delay(backoff, stoppingToken); } catch (OperationCanceledException) { return; }
                continue;
            }

            if (published < _options.BatchSize)
            {
                try { await signal.WaitAsync(_options.PollInterval, stoppingToken); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>
    /// Publishes the next batch of pending rows in order; returns how many were published. Throws when the broker did
    /// not take them all (after stamping those it confirmed before the first failure), so the caller backs off.
    /// </summary>
    public async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDb>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var mine = await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({OutboxLockKey}) AS \"Value\"").SingleAsync(cancellationToken);
        if (!mine) return 0; // another replica is publishing; it takes the rows in order

        var due = await db.Set<OutboxMessage>()
            .FromSql($"SELECT * FROM outbox_messages WHERE sent_at IS NULL AND parked_at IS NULL ORDER BY sequence LIMIT {_options.BatchSize}")
            .ToListAsync(cancellationToken);
        if (due.Count == 0) return 0;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.PublishTimeout);
        var confirms = await publisher.PublishAsync(due, timeout.Token);
        var published = 0;
        Exception? failure = null;
        for (var i = 0; i < due.Count; i++)
        {
            var row = due[i];
            try
            {
                await confirms[i];
                row.SentAt = DateTimeOffset.UtcNow;
                row.LastError = null;
                published++;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                row.Attempts++;
                row.LastError = e.Message.Length > 2000 ? e.Message[..2000] : e.Message;
                OutboxMetrics.Failed.Add(1);
                if (IsPoison(e) && row.Attempts >= _options.MaxAttempts)
                {
                    row.ParkedAt = DateTimeOffset.UtcNow;
                    OutboxMetrics.Parked.Add(1);
                    logger.LogError("Parked outbox row {Sequence} ({EventType} {EventId}) after {Attempts} attempts: {Error}",
                        row.Sequence, row.EventType, row.EventId, row.Attempts, e.Message);
                    continue; // it no longer holds back the rows behind it
                }

                // Rows after this one may have reached the broker already (they were in flight together); they stay
                // pending and go out again after this one, where consumers' inboxes drop the earlier copies.
                failure = e;
                foreach (var unobserved in confirms.Skip(i + 1)) _ = unobserved.ContinueWith(t => t.Exception, TaskScheduler.Default);
                break;
            }
        }

        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        OutboxMetrics.Published.Add(published);
        if (failure is not null) throw new OutboxPublishException($"Published {published} of {due.Count}; the broker refused the rest: {failure.Message}", failure);
        return published;
    }

    /// <summary>Wrong in itself (unknown type, unreadable payload), as opposed to a broker that is away or slow.</summary>
    private static bool IsPoison(Exception e) => e is PoisonOutboxRowException;

    /// <summary>One advisory lock key for "the outbox" in every service's own database.</summary>
    private const long OutboxLockKey = 0x4d656e5349_01;
}

/// <summary>A row that cannot become a message: its type is unknown or its payload does not read as that type.</summary>
public sealed class PoisonOutboxRowException(string message, Exception? inner = null) : Exception(message, inner);

public sealed class OutboxPublishException(string message, Exception inner) : Exception(message, inner);
