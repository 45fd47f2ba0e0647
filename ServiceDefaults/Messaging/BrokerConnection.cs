using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace MenSI.ServiceDefaults.Messaging;

/// <summary>
/// The service's own AMQP connection for what it puts on the wire itself: outbox events (so their bytes are exactly the
/// contract's, with no transport headers of ours) and parked messages. Connects on first use and again after an outage;
/// the client's automatic recovery covers short drops. MassTransit keeps its own connection for consuming.
/// </summary>
public sealed class BrokerConnection(string connectionString, ILogger<BrokerConnection> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private IConnection? _connection;

    public bool IsOpen => _connection is { IsOpen: true };

    /// <summary>Far above an outbox batch, so the client never throttles it; still a bound.</summary>
    private const int MaxOutstandingConfirms = 4096;

    /// <summary>A new channel; with <paramref name="confirms"/>, each publish completes when the broker has taken it.</summary>
    public async Task<IChannel> CreateChannelAsync(bool confirms, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken);
        // The client's default limiter delays publishes (up to a second each) once 64 confirms are outstanding, and a
        // batch of the outbox has up to 100 in flight: that delay was most of an event's time on its way out.
        return await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: confirms, publisherConfirmationTrackingEnabled: confirms,
                outstandingPublisherConfirmationsRateLimiter: new ThrottlingRateLimiter(MaxOutstandingConfirms)),
            cancellationToken);
    }

    private async Task<IConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_connection is { IsOpen: true } open) return open;
        await _connecting.WaitAsync(cancellationToken);
        try
        {
            if (_connection is { IsOpen: true } raced) return raced;
            if (_connection is not null)
            {
                // Recovery still running or given up: start over rather than wait on it.
                try { await _connection.DisposeAsync(); } catch (Exception e) when (e is not OperationCanceledException) { }
                _connection = null;
            }

            var factory = new ConnectionFactory
            {
                Uri = new Uri(connectionString),
                ClientProvidedName = AppDomain.CurrentDomain.FriendlyName,
                AutomaticRecoveryEnabled = true,
                NetworkRecoveryInterval = TimeSpan.FromSeconds(2),
                RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
            };
            _connection = await factory.CreateConnectionAsync(cancellationToken);
            logger.LogInformation("Connected to the broker for publishing");
            return _connection;
        }
        finally
        {
            _connecting.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            try { await _connection.CloseAsync(TimeSpan.FromSeconds(2)); } catch (Exception e) when (e is not OperationCanceledException) { }
            await _connection.DisposeAsync();
        }

        _connecting.Dispose();
    }
}

/// <summary>Readiness: the events this service writes can leave. Degraded, not unhealthy: writes still succeed and wait in the outbox.</summary>
internal sealed class BrokerHealthCheck(BrokerConnection broker) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(broker.IsOpen
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Degraded("Not connected to the broker: new events wait in the outbox."));
}
