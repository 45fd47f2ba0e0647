using System.Text;
using MenSI.Contracts;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace MenSI.ServiceDefaults.Messaging;

/// <summary>
/// Puts outbox rows on the wire as the catalogue describes them: the row's JSON as it was written (the bytes the
/// contract test checks), on the event's durable fanout exchange, with the CloudEvents attributes as application
/// properties and nothing else of ours (no host, process or address of the platform). It declares every exchange of
/// its service's events on connecting, so a consumer can bind before the first event of a kind is ever published.
/// </summary>
public sealed class OutboxPublisher(BrokerConnection broker, string service, ILogger<OutboxPublisher> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _opening = new(1, 1);
    private readonly HashSet<string> _declared = new(StringComparer.Ordinal);
    private IChannel? _channel;

    /// <summary>The exchanges of the events this service publishes (by their contracts' namespace).</summary>
    public IReadOnlyList<string> Exchanges { get; } = EventNames.All()
        .Where(t => EventNames.ServiceOf(t) == service).Select(EventNames.ExchangeFor).Order(StringComparer.Ordinal).ToList();

    /// <summary>Opens the channel and declares the exchanges if that has not happened since the last failure.</summary>
    public async Task<IChannel> EnsureOpenAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true } open) return open;
        await _opening.WaitAsync(cancellationToken);
        try
        {
            if (_channel is { IsOpen: true } raced) return raced;
            if (_channel is not null) await DisposeChannelAsync();
            var channel = await broker.CreateChannelAsync(confirms: true, cancellationToken);
            _declared.Clear();
            foreach (var exchange in Exchanges) await DeclareAsync(channel, exchange, cancellationToken);
            logger.LogDebug("Declared {Count} exchange(s): {Exchanges}", Exchanges.Count, Exchanges);
            return _channel = channel;
        }
        finally
        {
            _opening.Release();
        }
    }

    /// <summary>
    /// Hands the rows to the broker in order and returns one task per row that completes when the broker confirmed it
    /// (awaiting the confirms together is what lets a batch leave at the broker's pace, not one round trip per event).
    /// </summary>
    public async Task<IReadOnlyList<Task>> PublishAsync(IReadOnlyList<OutboxMessage> rows, CancellationToken cancellationToken)
    {
        var channel = await EnsureOpenAsync(cancellationToken);
        var confirms = new List<Task>(rows.Count);
        foreach (var row in rows)
        {
            Type type;
            try
            {
                type = row.ResolveType();
            }
            catch (Exception e)
            {
                confirms.Add(Task.FromException(e as PoisonOutboxRowException ?? new PoisonOutboxRowException($"The row does not read as its event: {e.Message}", e)));
                continue;
            }

            // Publishing to an exchange that does not exist would close the channel: an event of a kind outside the
            // service's own contracts gets its exchange declared before it goes.
            if (!_declared.Contains(EventNames.ExchangeFor(type))) await DeclareAsync(channel, EventNames.ExchangeFor(type), cancellationToken);
            confirms.Add(Publish(channel, row, type, cancellationToken));
        }

        return confirms;
    }

    private async Task DeclareAsync(IChannel channel, string exchange, CancellationToken cancellationToken)
    {
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        _declared.Add(exchange);
    }

    private static Task Publish(IChannel channel, OutboxMessage row, Type type, CancellationToken cancellationToken)
    {
        var properties = new BasicProperties
        {
            ContentType = "application/json",
            MessageId = row.EventId.ToString(),
            Persistent = true,
            Timestamp = new AmqpTimestamp(row.OccurredAt.ToUnixTimeSeconds()),
            Headers = CloudEvents.Attributes(row.EventId, type, row.OccurredAt),
        };
        return channel.BasicPublishAsync(EventNames.ExchangeFor(type), routingKey: "", mandatory: false, properties,
            Encoding.UTF8.GetBytes(row.Payload), cancellationToken).AsTask();
    }

    /// <summary>Forgets the channel after a failure; the next publish opens (and declares) again.</summary>
    public async Task ResetAsync()
    {
        await _opening.WaitAsync();
        try { await DisposeChannelAsync(); }
        finally { _opening.Release(); }
    }

    private async Task DisposeChannelAsync()
    {
        if (_channel is null) return;
        try { await _channel.DisposeAsync(); } catch (Exception e) when (e is not OperationCanceledException) { }
        _channel = null;
    }

    public async ValueTask DisposeAsync()
    {
        await DisposeChannelAsync();
        _opening.Dispose();
    }
}
