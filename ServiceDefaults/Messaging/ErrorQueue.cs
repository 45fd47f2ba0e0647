using MassTransit;
using RabbitMQ.Client;

namespace MenSI.ServiceDefaults.Messaging;

/// <summary>
/// Parks one message of a batch where MassTransit parks a failed message: the endpoint's <c>&lt;queue&gt;_error</c>
/// (same exchange and queue declaration, same <c>MT-Fault-*</c> headers), with its original body and headers, so an
/// operator reads it, and moves it back to its queue, as any other failed message.
/// </summary>
public static class ErrorQueue
{
    public static async Task ParkAsync(BrokerConnection broker, ConsumeContext message, Exception exception, CancellationToken cancellationToken)
    {
        var queue = message.ReceiveContext.InputAddress.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).Last();
        var errorQueue = queue + "_error";

        await using var channel = await broker.CreateChannelAsync(confirms: true, cancellationToken);
        await channel.ExchangeDeclareAsync(errorQueue, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(errorQueue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(errorQueue, errorQueue, routingKey: "", cancellationToken: cancellationToken);

        var headers = message.Headers.GetAll().ToDictionary(h => h.Key, h => (object?)h.Value?.ToString());
        headers["MT-Reason"] = "fault";
        headers["MT-Fault-ExceptionType"] = exception.GetType().FullName;
        headers["MT-Fault-Message"] = exception.Message.Length > 1000 ? exception.Message[..1000] : exception.Message;
        headers["MT-Fault-Timestamp"] = DateTimeOffset.UtcNow.ToString("O");
        var properties = new BasicProperties
        {
            ContentType = message.ReceiveContext.ContentType?.ToString() ?? "application/json",
            MessageId = message.MessageId?.ToString(),
            Persistent = true,
            Headers = headers,
        };
        await channel.BasicPublishAsync(errorQueue, routingKey: "", mandatory: false, properties, message.ReceiveContext.Body.GetBytes(), cancellationToken);
    }
}
