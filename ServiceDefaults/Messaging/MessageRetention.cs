using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MenSI.ServiceDefaults.Messaging;

/// <summary>How long handled messages are kept (docs/events.md, "Replay window").</summary>
public sealed class MessageRetentionOptions
{
    /// <summary>Sent outbox rows: what <c>POST .../events/replay</c> can publish again.</summary>
    public TimeSpan SentOutbox { get; set; } = TimeSpan.FromDays(7);
    /// <summary>
    /// Inbox rows: how long a redelivered copy is still recognised. Longer than anything can take to come back: a
    /// replay (at most <see cref="SentOutbox"/> old) or a message an operator moves back from an error queue.
    /// </summary>
    public TimeSpan Inbox { get; set; } = TimeSpan.FromDays(30);
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>Deletes sent outbox rows and inbox rows past their retention, in small batches so no lock is held long.</summary>
public sealed class MessageRetention<TDb>(IServiceScopeFactory scopes, IOptions<MessageRetentionOptions> options, TimeProvider clock,
    ILogger<MessageRetention<TDb>> logger) : BackgroundService where TDb : DbContext
{
    private const int BatchSize = 5000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PruneAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Pruning handled messages failed; trying again later: {Error}", e.Message);
            }

            try { await Task.Delay(options.Value.Interval, clock, stoppingToken); } catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Deletes what is past retention; returns how many outbox and inbox rows went.</summary>
    public async Task<(int Outbox, int Inbox)> PruneAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDb>();
        var now = clock.GetUtcNow();
        var sentBefore = now - options.Value.SentOutbox;
        var handledBefore = now - options.Value.Inbox;
        int outbox = 0, inbox = 0, deleted;
        do
        {
            deleted = await db.Database.ExecuteSqlAsync($"""
                DELETE FROM outbox_messages WHERE sequence IN
                  (SELECT sequence FROM outbox_messages WHERE sent_at IS NOT NULL AND sent_at < {sentBefore} LIMIT {BatchSize})
                """, cancellationToken);
            outbox += deleted;
        } while (deleted == BatchSize);

        do
        {
            deleted = await db.Database.ExecuteSqlAsync($"""
                DELETE FROM inbox_messages WHERE (event_id, consumer) IN
                  (SELECT event_id, consumer FROM inbox_messages WHERE handled_at < {handledBefore} LIMIT {BatchSize})
                """, cancellationToken);
            inbox += deleted;
        } while (deleted == BatchSize);

        if (outbox + inbox > 0) logger.LogInformation("Pruned {Outbox} sent outbox row(s) and {Inbox} inbox row(s)", outbox, inbox);
        return (outbox, inbox);
    }
}

/// <summary>
/// Readiness of the way out: Degraded while pending events are older than <see cref="OutboxOptions.BacklogAge"/> (they
/// are not leaving) or any row is parked (an operator must look); the description gives the counts.
/// </summary>
internal sealed class OutboxHealthCheck<TDb>(TDb db, IOptions<OutboxOptions> options, TimeProvider clock) : IHealthCheck where TDb : DbContext
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var staleBefore = clock.GetUtcNow() - options.Value.BacklogAge;
        var counts = await db.Database.SqlQuery<OutboxCounts>($"""
            SELECT count(*) FILTER (WHERE sent_at IS NULL AND parked_at IS NULL) AS pending,
                   count(*) FILTER (WHERE sent_at IS NULL AND parked_at IS NULL AND occurred_at < {staleBefore}) AS stale,
                   count(*) FILTER (WHERE parked_at IS NOT NULL) AS parked
            FROM outbox_messages WHERE sent_at IS NULL
            """).SingleAsync(cancellationToken);
        var data = new Dictionary<string, object> { ["pending"] = counts.Pending, ["stale"] = counts.Stale, ["parked"] = counts.Parked };
        if (counts.Parked > 0) return HealthCheckResult.Degraded($"{counts.Parked} outbox row(s) parked: they can never be published; see the service's log.", data: data);
        if (counts.Stale > 0) return HealthCheckResult.Degraded($"{counts.Stale} of {counts.Pending} pending event(s) waited over {options.Value.BacklogAge.TotalSeconds:0} s.", data: data);
        return HealthCheckResult.Healthy($"{counts.Pending} pending event(s).", data);
    }

    private sealed class OutboxCounts
    {
        public long Pending { get; init; }
        public long Stale { get; init; }
        public long Parked { get; init; }
    }
}
