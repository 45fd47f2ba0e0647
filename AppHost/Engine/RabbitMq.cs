using System.Globalization;

namespace MenSI.Hosting;

/// <summary>
/// A private RabbitMQ node with its own epmd, cookie, config, data and ports, all on 127.0.0.1, never touching the
/// system node (see shared/notes/local-servers.md for why each setting is there). Its ports are chosen once and kept
/// across restarts, so clients reconnect to the same address after an outage.
/// </summary>
public sealed class RabbitMqResource(string name) : ProcessResource(name), IResourceWithConnectionString
{
    private ManagedProcess? _epmd;
    private string _folder = "";
    private Dictionary<string, string> _environment = [];

    private string EpmdName => Name + "-epmd";
    public string ConnectionString => $"amqp://guest:guest@127.0.0.1:{Port}/";
    protected override TimeSpan StopGrace => TimeSpan.FromSeconds(30);

    public override async Task StartAsync(RunContext context, CancellationToken cancellationToken)
    {
        // A restart after a crash: the node is gone, its epmd is not. One epmd per node, never two.
        await StopEpmdAsync();
        _folder = context.State.Resource(Name);
        ChoosePortOnce();
        var epmdPort = Ports.Free();
        var distPort = Ports.Free();
        var home = Directory.CreateDirectory(Path.Combine(_folder, "home")).FullName;
        var cookie = Path.Combine(home, ".erlang.cookie");
        if (!File.Exists(cookie))
        {
            File.WriteAllText(cookie, Convert.ToHexString(Guid.NewGuid().ToByteArray()));
            File.SetUnixFileMode(cookie, UnixFileMode.UserRead);
        }

        var envFile = Path.Combine(_folder, "rabbitmq-env.conf");
        File.WriteAllText(envFile, "");
        var config = Path.Combine(_folder, "rabbitmq.conf");
        File.WriteAllText(config, "loopback_users.guest = true\nlog.console = true\nlog.console.level = error\nlog.file.level = info\n");
        var advanced = Path.Combine(_folder, "advanced.config");
        File.WriteAllText(advanced, "[].\n");
        var plugins = Path.Combine(_folder, "enabled_plugins");
        File.WriteAllText(plugins, "[].\n");

        string P(int port) => port.ToString(CultureInfo.InvariantCulture);
        // Loopback only; and never let the VM or rabbitmqctl start a system epmd daemon (on 0.0.0.0:4369, outliving us)
        // when ours is gone, as happens when the start script's stop trap runs after everything was signalled.
        const string loopbackOnly = "-kernel inet_dist_use_interface {127,0,0,1} -start_epmd false";
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = home,
            ["RABBITMQ_CONF_ENV_FILE"] = envFile,
            // One node name per state folder: the data folder is named after it, so it must survive restarts.
            ["RABBITMQ_NODENAME"] = $"mensi-{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(_folder)))[..10].ToLowerInvariant()}@localhost",
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = P(Port),
            ["RABBITMQ_DIST_PORT"] = P(distPort),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(_folder, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(_folder, "log"),
            ["RABBITMQ_CONFIG_FILE"] = config,
            ["RABBITMQ_ADVANCED_CONFIG_FILE"] = advanced,
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = plugins,
            ["ERL_EPMD_PORT"] = P(epmdPort),
            ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
            // The start script then execs the VM instead of running it as a child behind a signal trap: the VM itself is
            // our child process and receives the parent-death signal, so it cannot outlive us.
            ["RABBITMQ_ALLOW_INPUT"] = "true",
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = loopbackOnly + " -noinput",
            ["RABBITMQ_CTL_ERL_ARGS"] = loopbackOnly,
        };

        _environment = environment;

        // Our own epmd in the foreground, so it is our child and dies with us (Erlang would otherwise daemonise one
        // on 0.0.0.0:4369 that outlives the node).
        _epmd = ManagedProcess.Start(new ProcessSpec(ServerBinaries.Epmd, ["-address", "127.0.0.1", "-port", P(epmdPort)])
        { WorkingDirectory = _folder, Environment = environment }, line => context.Log.Write(Name, "epmd: " + line));
        context.State.RecordPid(EpmdName, _epmd.Pid);

        // Started from inside its folder: Erlang writes erl_crash.dump to the working directory.
        Launch(context, new ProcessSpec(ServerBinaries.RabbitMqServer, []) { WorkingDirectory = _folder, Environment = environment });
    }

    public override async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        if (!IsRunning) return false;
        // The AMQP 0-9-1 protocol header; a live broker answers with a Connection.Start method frame (type 1).
        var reply = await Probe.ExchangeAsync(Port, "AMQP\0\0\x09\x01"u8.ToArray(), cancellationToken);
        return reply is [1, ..];
    }

    public override async Task StopAsync()
    {
        await base.StopAsync();
        // Belt and braces: no VM of this folder may survive its stop.
        if (OperatingSystem.IsLinux() && _folder.Length > 0)
        {
            foreach (var pid in StateFolder.ProcessesNaming(Path.Combine(_folder, "mnesia"), "beam.smp")) ManagedProcess.SendSignal(pid, Signal.Kill);
        }

        await StopEpmdAsync();
    }

    private async Task StopEpmdAsync()
    {
        if (_epmd is null) return;
        await _epmd.StopAsync(TimeSpan.FromSeconds(5));
        Context?.State.ForgetPid(EpmdName, _epmd.Pid);
        _epmd = null;
    }

    /// <summary>
    /// The node's queues with their depth and consumers, as <c>rabbitmqctl list_queues</c> tells them (AMQP itself cannot
    /// list queues, and the management plugin would cost every start a few seconds and another port).
    /// </summary>
    public async Task<IReadOnlyList<QueueInfo>> ListQueuesAsync(CancellationToken cancellationToken)
    {
        if (!IsRunning) throw new InvalidOperationException($"{Name} is not running.");
        var info = new System.Diagnostics.ProcessStartInfo(ServerBinaries.RabbitMqCtl)
        {
            ArgumentList = { "list_queues", "--quiet", "--formatter", "json", "name", "messages", "consumers" },
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _folder,
        };
        foreach (var (key, value) in _environment) info.Environment[key] = value;
        using var process = System.Diagnostics.Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try { await process.WaitForExitAsync(cancellationToken); }
        catch (OperationCanceledException) { process.Kill(); throw; }
        if (process.ExitCode != 0) throw new InvalidOperationException($"rabbitmqctl list_queues failed ({process.ExitCode}): {(await error).Trim()}");
        return System.Text.Json.JsonSerializer.Deserialize<List<QueueInfo>>(await output, JsonOptions) ?? [];
    }

    private static readonly System.Text.Json.JsonSerializerOptions JsonOptions = new(System.Text.Json.JsonSerializerDefaults.Web);

    /// <summary>Its epmd's PID while one runs (one per node, across restarts).</summary>
    public int? EpmdPid => _epmd is { HasExited: false } e ? e.Pid : null;
}

/// <summary>A queue of the broker: its name, how many messages wait in it, and how many consumers read it.</summary>
public sealed record QueueInfo(string Name, long Messages, int Consumers)
{
    /// <summary>Where MassTransit (and <c>ErrorQueue</c>) park a message that failed: <c>&lt;queue&gt;_error</c>.</summary>
    public const string ErrorSuffix = "_error";
    public bool IsErrorQueue => IsError(Name);

    public static bool IsError(string queue) => queue.EndsWith(ErrorSuffix, StringComparison.Ordinal) && queue.Length > ErrorSuffix.Length;
}
