using MenSI.Hosting;

namespace MenSI.Testing;

/// <summary>
/// Private PostgreSQL, Redis and RabbitMQ for one test assembly, started once on first use by the same engine the
/// AppHost runs them with (non-durable: fsync off). They stop when the test process exits; if it is killed, the
/// kernel's parent-death signal stops them, and the next run removes the folder it left.
/// </summary>
public sealed class PlatformServers
{
    private static readonly Lazy<Task<PlatformServers>> Shared = new(StartAsync);
    private readonly RunContext _context;

    private PlatformServers(RunContext context, PostgresServerResource postgres, RedisResource redis, RabbitMqResource rabbitMq)
    {
        _context = context;
        Postgres = postgres;
        Redis = redis;
        RabbitMq = rabbitMq;
    }

    public PostgresServerResource Postgres { get; }
    public RedisResource Redis { get; }
    public RabbitMqResource RabbitMq { get; }

    public static Task<PlatformServers> GetAsync() => Shared.Value;

    /// <summary>A fresh, empty database for one test class; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix.ToLowerInvariant()}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)];
        await Postgres.CreateDatabaseAsync(name, CancellationToken.None);
        return Postgres.ConnectionStringFor(name);
    }

    /// <summary>
    /// Configuration wiring a service to these servers under the AppHost's names: its database, the broker (or
    /// <paramref name="broker"/>, a private one) and Redis.
    /// </summary>
    public Dictionary<string, string?> ServiceConfiguration(string databaseName, string database, RabbitMqResource? broker = null) => new()
    {
        [$"ConnectionStrings:{databaseName}"] = database,
        ["ConnectionStrings:rabbitmq"] = (broker ?? RabbitMq).ConnectionString,
        ["ConnectionStrings:redis"] = Redis.ConnectionString,
    };

    /// <summary>A broker of the caller's own, for tests that stop and restart it (an outage must not hit other tests).</summary>
    public async Task<RabbitMqResource> StartPrivateBrokerAsync(string name)
    {
        var broker = new RabbitMqResource(name);
        await StartAndWaitAsync(broker, _context);
        return broker;
    }

    /// <summary>A PostgreSQL server of the caller's own, for tests that stop and restart it.</summary>
    public async Task<PostgresServerResource> StartPrivatePostgresAsync(string name)
    {
        var server = new PostgresServerResource(name);
        await StartAndWaitAsync(server, _context);
        return server;
    }

    /// <summary>Restarts a stopped server on the same port, as after an outage.</summary>
    public Task RestartAsync(Resource server) => StartAndWaitAsync(server, _context);

    private static async Task<PlatformServers> StartAsync()
    {
        RemoveFoldersOfDeadRuns();
        var state = new StateFolder(Path.Combine(Path.GetTempPath(), $"mensi-tests-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}"));
        var log = new LogSink(state, toConsole: false);
        var context = new RunContext(state, log, Durable: false, RepositoryRoot: "");
        await ServerBinaries.EnsureInstalledAsync(log.Say, CancellationToken.None);

        var servers = new PlatformServers(context, new PostgresServerResource("postgres"), new RedisResource("redis"), new RabbitMqResource("rabbitmq"));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => servers.Stop();
        await Task.WhenAll(
            StartAndWaitAsync(servers.Postgres, context),
            StartAndWaitAsync(servers.Redis, context),
            StartAndWaitAsync(servers.RabbitMq, context));
        return servers;
    }

    private static Task StartAndWaitAsync(Resource resource, RunContext context) =>
        resource.StartHealthyAsync(context, TimeSpan.FromSeconds(90), CancellationToken.None);

    // Throw-away servers need no graceful stop, and the test host gives exit handlers little time: kill them all.
    private void Stop()
    {
        _context.State.StopLeftovers();
        _context.Log.Dispose();
        try { StateFolder.Wipe(_context.State.Root); } catch (IOException) { }
    }

    /// <summary>A killed test run leaves its folder (its servers died with it): remove those whose process is gone.</summary>
    private static void RemoveFoldersOfDeadRuns()
    {
        foreach (var dir in Directory.GetDirectories(Path.GetTempPath(), "mensi-tests-*"))
        {
            var parts = Path.GetFileName(dir).Split('-');
            if (parts.Length >= 3 && int.TryParse(parts[2], out var pid) && !Directory.Exists($"/proc/{pid}"))
            {
                try
                {
                    new StateFolder(dir).StopLeftovers();
                    StateFolder.Wipe(dir);
                }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        }
    }
}
