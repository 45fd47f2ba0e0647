using System.Text.Json;
using MenSI.Contracts;
using MenSI.ServiceDefaults;
using RabbitMQ.Client;

namespace MenSI.Testing;

/// <summary>
/// Publishes integration events the way any AMQP producer can: plain RabbitMQ.Client, the contract's JSON on the
/// contract's exchange. Lets a consumer's tests send exactly the messages (duplicates, stale versions, any order) they
/// need without running the publishing service.
/// </summary>
public sealed class EventPublisher : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly HashSet<string> _declared = [];

    private EventPublisher(IConnection connection, IChannel channel) => (_connection, _channel) = (connection, channel);

    public static async Task<EventPublisher> ConnectAsync(string amqpUri)
    {
        var connection = await new ConnectionFactory { Uri = new Uri(amqpUri) }.CreateConnectionAsync();
        // Confirmed publishes: an event counts as published once the broker has it, so nothing is lost when the publisher closes.
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true,
            outstandingPublisherConfirmationsRateLimiter: new ThrottlingRateLimiter(4096)));
        return new EventPublisher(connection, channel);
    }

    /// <summary>Many events, up to <paramref name="window"/> awaiting the broker's confirm at a time: fast, and each one confirmed.</summary>
    public async Task PublishAllAsync(IEnumerable<IIntegrationEvent> events, int window = 2_000)
    {
        var inFlight = new List<Task>(window);
        foreach (var integrationEvent in events)
        {
            inFlight.Add(PublishAsync(integrationEvent));
            if (inFlight.Count < window) continue;
            await Task.WhenAll(inFlight);
            inFlight.Clear();
        }

        await Task.WhenAll(inFlight);
    }

    public async Task PublishAsync(IIntegrationEvent integrationEvent)
    {
        var exchange = EventNames.ExchangeFor(integrationEvent.GetType());
        if (_declared.Add(exchange)) await _channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        var body = JsonSerializer.SerializeToUtf8Bytes(integrationEvent, integrationEvent.GetType(), ServiceDefaultsExtensions.Json);
        var properties = new BasicProperties
        {
            ContentType = "application/json", MessageId = integrationEvent.EventId.ToString(), Persistent = true,
        };
        await _channel.BasicPublishAsync(exchange, routingKey: "", mandatory: false, properties, body);
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.CloseAsync();
        await _connection.CloseAsync();
        _channel.Dispose();
        _connection.Dispose();
    }
}
