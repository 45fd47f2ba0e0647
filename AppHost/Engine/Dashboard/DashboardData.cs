using Npgsql;

namespace MenSI.Hosting.Dashboard;

/// <summary>A resource as the dashboard shows it.</summary>
public sealed record ResourceView(
    string Name, string Kind, ResourceState State, int? Pid, DateTimeOffset? StartedAt, double? UptimeSeconds, int Restarts, string? Endpoint,
    IReadOnlyList<Link> Links, OutboxBacklog? Outbox);

public sealed record Link(string Title, string Url);

/// <summary>A service's events written but not yet published (pending), and those set aside after failing (parked).</summary>
public sealed record OutboxBacklog(long Pending, long Parked);

/// <summary>What the dashboard reads from the running graph: resources, each service's outbox, the broker's queues.</summary>
internal sealed class DashboardData(DistributedApplication app) : IDisposable
{
    private static readonly TimeSpan QueuesFresh = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan NamesFresh = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _queuesGate = new(1, 1);
    private (DateTime At, IReadOnlyList<QueueInfo> Queues)? _queues;
    private DateTime? _listedAt;

    public BrokerQueues Broker { get; } = new(app.Resources.OfType<RabbitMqResource>().Single());

    public async Task<IReadOnlyList<ResourceView>> ResourcesAsync(CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var outboxes = await Task.WhenAll(app.Resources.Select(r => OutboxAsync(r, cancellationToken)));
        return [.. app.Resources.Select((r, i) => new ResourceView(r.Name, KindOf(r), r.State, r.Pid, r.StartedAt,
            r.StartedAt is { } started && r.Pid is not null ? Math.Round((now - started).TotalSeconds) : null, r.Restarts, r.Endpoint, LinksOf(r), outboxes[i]))];
    }

    private static string KindOf(Resource resource) => resource switch
    {
        ProjectResource => "service",
        PostgresServerResource => "postgresql",
        PostgresDatabaseResource => "database",
        RedisResource => "redis",
        RabbitMqResource => "rabbitmq",
        _ => resource.GetType().Name,
    };

    private static IReadOnlyList<Link> LinksOf(Resource resource) => resource switch
    {
        ProjectResource { Port: not 0 } p when p.FixedPort =>
            [new("API reference", p.HttpEndpoint + "/docs"), new("health", p.HttpEndpoint + "/health"), new("AsyncAPI", p.HttpEndpoint + "/asyncapi.json")],
        ProjectResource { Port: not 0 } p => [new("health", p.HttpEndpoint + "/health"), new("OpenAPI", p.HttpEndpoint + "/openapi/v1.json")],
        _ => [],
    };

    /// <summary>The outbox of a service whose database has one (Identity's has none); null while it cannot be read.</summary>
    private static async Task<OutboxBacklog?> OutboxAsync(Resource resource, CancellationToken cancellationToken)
    {
        if (resource is not ProjectResource project || project.Pid is null
            || project.References.OfType<PostgresDatabaseResource>().FirstOrDefault() is not { State: ResourceState.Healthy } database) return null;
        try
        {
            await using var connection = new NpgsqlConnection(database.ConnectionString + ";Timeout=2;Command Timeout=2");
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FILTER (WHERE sent_at IS NULL AND parked_at IS NULL), count(*) FILTER (WHERE parked_at IS NOT NULL) FROM outbox_messages", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return new OutboxBacklog(reader.GetInt64(0), reader.GetInt64(1));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return null; // a service that publishes nothing
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return null;
        }
    }

    /// <summary>
    /// The broker's queues, read at most every 2 s however many pages ask; null while the broker is down. Their names
    /// come from <c>rabbitmqctl</c> (an Erlang VM per call: a second of CPU) every <see cref="NamesFresh"/>, their
    /// depths and consumers in between from AMQP (a passive declare per queue: a millisecond).
    /// </summary>
    public async Task<IReadOnlyList<QueueInfo>?> QueuesAsync(CancellationToken cancellationToken)
    {
        await _queuesGate.WaitAsync(cancellationToken);
        try
        {
            if (_queues is { } cached && DateTime.UtcNow - cached.At < QueuesFresh) return cached.Queues;
            if (Broker.Resource.State is not (ResourceState.Healthy or ResourceState.Unhealthy)) return null;
            IReadOnlyList<QueueInfo> queues;
            if (_listedAt is not { } listed || DateTime.UtcNow - listed > NamesFresh || _queues is null)
            {
                queues = [.. (await Broker.Resource.ListQueuesAsync(cancellationToken)).OrderBy(q => q.Name, StringComparer.Ordinal)];
                _listedAt = DateTime.UtcNow;
            }
            else
            {
                queues = await Broker.CountAsync(_queues.Value.Queues, cancellationToken);
            }

            _queues = (DateTime.UtcNow, queues);
            return queues;
        }
        finally
        {
            _queuesGate.Release();
        }
    }

    /// <summary>The next read counts again at once: a move changes the depths.</summary>
    public void Forget() => _queues = _queues is { } cached ? (DateTime.MinValue, cached.Queues) : null;

    public void Dispose() => _queuesGate.Dispose();
}
