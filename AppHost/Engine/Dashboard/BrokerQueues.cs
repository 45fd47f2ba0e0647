using System.Text;
using RabbitMQ.Client;

namespace MenSI.Hosting.Dashboard;

/// <summary>A failed message as the operator reads it: why it failed, its headers, and its body.</summary>
public sealed record FailedMessage(
    string? MessageId, string? Reason, string? ExceptionType, string? FailedAt, string? ContentType, IReadOnlyDictionary<string, string?> Headers, string Body, bool BodyTruncated);

/// <summary>
/// Error queues over plain AMQP: reading a failed message takes it and puts it back (<c>basic.get</c>, then
/// <c>basic.nack</c> with requeue: the broker keeps its place), and moving one back publishes it to its queue with the
/// fault headers removed, waits for the broker's confirm, and only then removes it from the error queue: a move that
/// fails half-way leaves a copy in the error queue, never none.
/// </summary>
internal sealed class BrokerQueues(RabbitMqResource broker)
{
    private const int MaxBody = 8_000;
    private const int MaxScan = 1_000;

    public RabbitMqResource Resource => broker;

    public async Task<IReadOnlyList<FailedMessage>> PeekAsync(string errorQueue, int max, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        var messages = new List<FailedMessage>();
        ulong last = 0;
        while (messages.Count < max && await channel.BasicGetAsync(errorQueue, autoAck: false, cancellationToken) is { } got)
        {
            last = got.DeliveryTag;
            messages.Add(Describe(got));
        }

        if (last != 0) await channel.BasicNackAsync(last, multiple: true, requeue: true, cancellationToken);
        return messages;
    }

    /// <summary>Moves the message with <paramref name="messageId"/> (every message, when null) back to the queue it failed in; how many moved.</summary>
    public async Task<int> MoveBackAsync(string errorQueue, string? messageId, CancellationToken cancellationToken)
    {
        var queue = errorQueue[..^QueueInfo.ErrorSuffix.Length];
        await using var connection = await ConnectAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            cancellationToken);
        await channel.QueueDeclarePassiveAsync(queue, cancellationToken); // its queue must exist: never publish into nowhere
        // Only what is there now: a moved message that fails again comes back to the error queue, and is not moved twice.
        var waiting = (await channel.QueueDeclarePassiveAsync(errorQueue, cancellationToken)).MessageCount;

        var moved = 0;
        var kept = new List<ulong>();
        for (var scanned = 0; scanned < Math.Min(waiting, MaxScan) && await channel.BasicGetAsync(errorQueue, autoAck: false, cancellationToken) is { } got; scanned++)
        {
            if (messageId is not null && got.BasicProperties.MessageId != messageId)
            {
                kept.Add(got.DeliveryTag);
                continue;
            }

            var properties = new BasicProperties(got.BasicProperties)
            {
                Headers = got.BasicProperties.Headers?.Where(h => !IsFaultHeader(h.Key)).ToDictionary(h => h.Key, h => h.Value),
            };
            await channel.BasicPublishAsync("", queue, mandatory: true, properties, got.Body, cancellationToken); // returns once confirmed
            await channel.BasicAckAsync(got.DeliveryTag, multiple: false, cancellationToken);
            moved++;
            if (messageId is not null) break;
        }

        foreach (var tag in kept) await channel.BasicNackAsync(tag, multiple: false, requeue: true, cancellationToken);
        return moved;
    }

    /// <summary>
    /// The current depth and consumers of queues known by name. A queue that cannot be asked (gone, or another
    /// connection's exclusive queue) keeps its last known figures; the next listing by name settles it.
    /// </summary>
    public async Task<IReadOnlyList<QueueInfo>> CountAsync(IReadOnlyList<QueueInfo> known, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        var counted = new List<QueueInfo>(known.Count);
        try
        {
            foreach (var queue in known)
            {
                try
                {
                    var ok = await channel.QueueDeclarePassiveAsync(queue.Name, cancellationToken);
                    counted.Add(queue with { Messages = ok.MessageCount, Consumers = (int)ok.ConsumerCount });
                }
                catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
                {
                    counted.Add(queue);
                    await channel.DisposeAsync(); // the broker closed it: the next queue gets a new one
                    channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
                }
            }
        }
        finally
        {
            await channel.DisposeAsync();
        }

        return counted;
    }

    private static bool IsFaultHeader(string name) => name.StartsWith("MT-Fault-", StringComparison.Ordinal) || name == "MT-Reason";

    private static FailedMessage Describe(BasicGetResult got)
    {
        var headers = (got.BasicProperties.Headers ?? new Dictionary<string, object?>()).ToDictionary(h => h.Key, h => Text(h.Value), StringComparer.Ordinal);
        var body = Encoding.UTF8.GetString(got.Body.Span);
        return new FailedMessage(got.BasicProperties.MessageId, headers.GetValueOrDefault("MT-Fault-Message"), headers.GetValueOrDefault("MT-Fault-ExceptionType"),
            headers.GetValueOrDefault("MT-Fault-Timestamp"), got.BasicProperties.ContentType, headers, body.Length > MaxBody ? body[..MaxBody] : body, body.Length > MaxBody);
    }

    private static string? Text(object? value) => value switch
    {
        null => null,
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
    };

    private Task<IConnection> ConnectAsync(CancellationToken cancellationToken) =>
        new ConnectionFactory { Uri = new Uri(broker.ConnectionString), ClientProvidedName = "mensi-apphost-dashboard" }.CreateConnectionAsync(cancellationToken);
}
