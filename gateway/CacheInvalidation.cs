using System.Collections.Concurrent;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using StackExchange.Redis;

namespace MenSI.Gateway;

/// <summary>
/// Hears the integration events that change cached public reads, as any AMQP consumer does (a queue of this instance's
/// own, bound to the events' exchanges), and advances the changed group's generation in Redis: every entry of the old
/// generation is then unreachable. <see cref="Generation"/> is null (cache bypassed) until the queue is consuming and
/// whenever the broker connection is down; on reconnection every group advances, since events may have been missed.
/// </summary>
public sealed class CacheInvalidation(IConfiguration configuration, IConnectionMultiplexer redis, ILogger<CacheInvalidation> logger) : BackgroundService
{
    /// <summary>Which events change which cached group (a route's <c>"Cache"</c>).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Groups = new Dictionary<string, string[]>
    {
        ["schools"] =
        [
            "mensi.registry.school-registered", "mensi.registry.school-profile-updated", "mensi.registry.school-role-assigned",
            "mensi.registry.school-status-changed", "mensi.registry.digital-maturity-assessed",
        ],
        // What anyone reads of a course changes only when it is published, revised or archived (drafts are the authors').
        ["courses"] = ["mensi.courses.course-published", "mensi.courses.course-revised", "mensi.courses.course-archived"],
        // Anyone reads published policy documents (with their endorsements), snapshots and exchange sessions: drafts,
        // submissions and new versions stay their authors' until published, and snapshots and sessions never change.
        ["policy"] =
        [
            "mensi.policy.challenge-published", "mensi.policy.case-study-published", "mensi.policy.recommendation-published",
            "mensi.policy.document-withdrawn", "mensi.policy.document-endorsed", "mensi.policy.snapshot-taken", "mensi.policy.exchange-session-held",
        ],
    };

    private readonly ConcurrentDictionary<string, long> _generations = new();
    private volatile bool _listening;

    /// <summary>The group's current generation, or null while changes could go unheard.</summary>
    public long? Generation(string group) => _listening && _generations.TryGetValue(group, out var generation) ? generation : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var uri = configuration.GetConnectionString("rabbitmq");
        if (string.IsNullOrEmpty(uri))
        {
            logger.LogWarning("ConnectionStrings:rabbitmq is not set: public reads are not cached.");
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(new Uri(uri), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                _listening = false;
                logger.LogWarning(e, "Cannot hear the cache's events; public reads are served uncached until the broker is back.");
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }

    private async Task ListenAsync(Uri uri, CancellationToken stoppingToken)
    {
        var factory = new ConnectionFactory { Uri = uri, ClientProvidedName = "gateway cache invalidation", AutomaticRecoveryEnabled = false };
        await using var connection = await factory.CreateConnectionAsync(stoppingToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
        var queue = await channel.QueueDeclareAsync(exclusive: true, autoDelete: true, cancellationToken: stoppingToken);
        var groupOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (group, exchanges) in Groups)
        {
            foreach (var exchange in exchanges)
            {
                // The publisher's own declaration (durable fanout), so whichever side starts first creates it.
                await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: stoppingToken);
                await channel.QueueBindAsync(queue.QueueName, exchange, "", cancellationToken: stoppingToken);
                groupOf[exchange] = group;
            }
        }

        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            if (!groupOf.TryGetValue(delivery.Exchange, out var group)) return;
            try { await AdvanceAsync(group); }
            catch (Exception e) when (e is RedisException or TimeoutException) { lost.TrySetResult(); } // start over: listen again, advance every group
        };
        connection.ConnectionShutdownAsync += (_, _) =>
        {
            _listening = false;
            lost.TrySetResult();
            return Task.CompletedTask;
        };

        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer, stoppingToken);
        // Anything cached before now may predate a change we did not hear: start every group afresh.
        foreach (var group in Groups.Keys) await AdvanceAsync(group);
        _listening = true;
        logger.LogInformation("Public reads are cached; {Groups} evicted by their events.", string.Join(", ", Groups.Keys));
        await lost.Task.WaitAsync(stoppingToken);
        throw new InvalidOperationException("The broker connection closed.");
    }

    private async Task AdvanceAsync(string group)
    {
        try
        {
            _generations[group] = await redis.GetDatabase().StringIncrementAsync($"mensi:gateway:cache-generation:{group}");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Not knowing the new generation, stop trusting the cache until Redis answers again.
            _listening = false;
            logger.LogWarning(e, "Could not advance the cache generation of {Group}; public reads are served uncached until the broker reconnects.", group);
            throw;
        }
    }
}
