using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace MenSI.Testing;

/// <summary>A message as any AMQP client sees it: the JSON body and the application properties (headers).</summary>
public sealed record ReceivedEvent(string Exchange, JsonElement Body, IReadOnlyDictionary<string, string> Headers, string? ContentType, string? MessageId)
{
    /// <summary>When this listener got it (this machine's clock).</summary>
    public DateTimeOffset ReceivedAt { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>
/// Listens to integration events the way a ministry system would: plain RabbitMQ.Client, an exclusive queue bound to
/// the published exchanges (<c>mensi.registry.school-registered</c>, ...), no MassTransit anywhere.
/// </summary>
public sealed class EventListener : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly ConcurrentQueue<ReceivedEvent> _received = new();
    private readonly SemaphoreSlim _arrived = new(0);

    private EventListener(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public IReadOnlyCollection<ReceivedEvent> Received => _received;

    public static Task<EventListener> StartAsync(string amqpUri, params string[] exchanges) => StartAsync(amqpUri, null, exchanges);

    /// <summary>Listens through a named durable queue, which keeps what arrives while nobody listens (across a broker restart).</summary>
    public static Task<EventListener> StartDurableAsync(string amqpUri, string queue, params string[] exchanges) => StartAsync(amqpUri, queue, exchanges);

    private static async Task<EventListener> StartAsync(string amqpUri, string? durableQueue, string[] exchanges)
    {
        var connection = await new ConnectionFactory { Uri = new Uri(amqpUri) }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var listener = new EventListener(connection, channel);
        var queue = durableQueue is null
            ? await channel.QueueDeclareAsync(exclusive: true, autoDelete: true)
            : await channel.QueueDeclareAsync(durableQueue, durable: true, exclusive: false, autoDelete: false);
        foreach (var exchange in exchanges)
        {
            // Same declaration as the publisher's (fanout, durable), so either side may declare it first.
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
            await channel.QueueBindAsync(queue.QueueName, exchange, routingKey: "");
        }

        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            var headers = (delivery.BasicProperties.Headers ?? new Dictionary<string, object?>())
                .ToDictionary(h => h.Key, h => h.Value switch { byte[] b => Encoding.UTF8.GetString(b), var v => v?.ToString() ?? "" });
            using var json = JsonDocument.Parse(delivery.Body);
            listener._received.Enqueue(new ReceivedEvent(delivery.Exchange, json.RootElement.Clone(), headers,
                delivery.BasicProperties.ContentType, delivery.BasicProperties.MessageId));
            listener._arrived.Release();
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer);
        return listener;
    }

    /// <summary>Waits until <paramref name="count"/> events matching <paramref name="match"/> have arrived.</summary>
    public async Task<IReadOnlyList<ReceivedEvent>> WaitForAsync(Func<ReceivedEvent, bool> match, int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var matching = _received.Where(match).ToList();
            if (matching.Count >= count) return matching;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Expected {count} matching event(s), got {matching.Count} (of {_received.Count} received).");
            }

            await _arrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.CloseAsync();
        await _connection.CloseAsync();
        _channel.Dispose();
        _connection.Dispose();
        _arrived.Dispose();
    }
}
