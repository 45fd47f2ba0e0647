using Npgsql;

namespace MenSI.Hosting;

/// <summary>
/// A private PostgreSQL server from the machine's binaries: its own data folder and port on 127.0.0.1, run as the
/// <c>postgres</c> user when we are root (PostgreSQL refuses root). Trust authentication is safe only because it
/// listens on loopback alone. Non-durable runs (tests) trade crash safety for speed with fsync off.
/// </summary>
public sealed class PostgresServerResource(string name) : ProcessResource(name)
{
    private string _socketDirectory = "";

    public string ConnectionStringFor(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Maximum Pool Size=50;Timeout=5";

    public override async Task StartAsync(RunContext context, CancellationToken cancellationToken)
    {
        var folder = context.State.Resource(Name);
        if (ManagedProcess.IsRoot && !TraversableByOthers(folder))
        {
            // initdb runs as the postgres user, which cannot reach a data folder under, say, /root.
            folder = Path.Combine("/var/tmp", "mensi-" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(folder)))[..12], Name);
            Directory.CreateDirectory(folder);
        }

        var data = Path.Combine(folder, "data");
        _socketDirectory = Path.Combine(folder, "run");
        Directory.CreateDirectory(_socketDirectory);
        var bin = ServerBinaries.PostgresBin;
        ChoosePortOnce();

        if (!File.Exists(Path.Combine(data, "PG_VERSION")))
        {
            if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
            Directory.CreateDirectory(data);
            await ChownAsync(folder, cancellationToken);
            var init = ManagedProcess.Start(new ProcessSpec(Path.Combine(bin, "initdb"),
                ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
            { RunAsUser = "postgres", WorkingDirectory = folder }, line => context.Log.Write(Name, line));
            if (await init.Exited != 0) throw new InvalidOperationException($"initdb failed; see {context.Log.LogFile(Name)}");
        }
        else
        {
            await ChownAsync(folder, cancellationToken);
        }

        List<string> args = ["-D", data, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-k", _socketDirectory,
            "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300"];
        if (!context.Durable) args.AddRange(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
        Launch(context, new ProcessSpec(Path.Combine(bin, "postgres"), args)
        {
            RunAsUser = "postgres",
            WorkingDirectory = folder,
            StopSignal = Signal.Interrupt, // fast shutdown: active sessions are ended, not waited for
        });
    }

    public override async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        if (!IsRunning) return false;
        try
        {
            await using var connection = await OpenAdminConnectionAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Creates the database unless it exists.</summary>
    public async Task CreateDatabaseAsync(string database, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAdminConnectionAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", database);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null) return;
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A connection to the maintenance database, unpooled: the engine's few admin calls must not hold connections.</summary>
    private async Task<NpgsqlConnection> OpenAdminConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(ConnectionStringFor("postgres") + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task ChownAsync(string folder, CancellationToken cancellationToken)
    {
        if (!ManagedProcess.IsRoot) return;
        await ServerBinaries.RunAsync("/bin/chown", ["-R", "postgres:postgres", folder], _ => { }, cancellationToken);
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static bool TraversableByOthers(string path)
    {
        for (var dir = new DirectoryInfo(path).Parent; dir is not null; dir = dir.Parent)
        {
            if (!dir.UnixFileMode.HasFlag(UnixFileMode.OtherExecute)) return false;
        }

        return true;
    }
}

/// <summary>A database on a <see cref="PostgresServerResource"/>, created when the server is healthy.</summary>
public sealed class PostgresDatabaseResource : Resource, IResourceWithConnectionString
{
    public PostgresDatabaseResource(string name, string databaseName, PostgresServerResource server) : base(name)
    {
        DatabaseName = databaseName;
        Server = server;
        WaitsFor.Add(server);
    }

    public string DatabaseName { get; }
    public PostgresServerResource Server { get; }
    public string ConnectionString => Server.ConnectionStringFor(DatabaseName);
    public override string? Endpoint => Server.Endpoint is { } e ? $"{e}/{DatabaseName}" : null;

    public override Task StartAsync(RunContext context, CancellationToken cancellationToken) => Server.CreateDatabaseAsync(DatabaseName, cancellationToken);
    public override Task<bool> IsHealthyAsync(CancellationToken cancellationToken) => Server.IsHealthyAsync(cancellationToken);
    public override Task StopAsync() => Task.CompletedTask;
}
