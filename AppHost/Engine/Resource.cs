namespace MenSI.Hosting;

public enum ResourceState { Waiting, Starting, Running, Healthy, Unhealthy, Exited, Failed, Stopping, Stopped }

/// <summary>What a resource can use while it starts: its folder, the log, the run's settings.</summary>
public sealed record RunContext(StateFolder State, LogSink Log, bool Durable, string RepositoryRoot);

/// <summary>A node of the graph: something that starts, becomes healthy, and stops.</summary>
public abstract class Resource(string name)
{
    public string Name { get; } = name;
    public ResourceState State { get; internal set; } = ResourceState.Waiting;
    /// <summary>From its start to its first healthy answer, for the start-up figures.</summary>
    public TimeSpan? TimeToHealthy { get; internal set; }
    public virtual int? Pid => null;
    /// <summary>When its current run started (null before the first): the dashboard's uptime.</summary>
    public DateTimeOffset? StartedAt { get; internal set; }
    /// <summary>How often it was started again after its first start (by the supervisor or an operator).</summary>
    public int Restarts { get; internal set; }
    /// <summary>Where it listens, for the operator's table.</summary>
    public virtual string? Endpoint => null;

    internal List<Resource> WaitsFor { get; } = [];
    internal Dictionary<string, Func<string>> Environment { get; } = new(StringComparer.Ordinal);
    /// <summary>What it reaches (<c>WithReference</c>): how a publisher wires it elsewhere than on this machine.</summary>
    internal List<Resource> References { get; } = [];
    /// <summary>The values given with <c>WithEnvironment</c>, as declared (not the run's local addresses).</summary>
    internal Dictionary<string, string> Settings { get; } = new(StringComparer.Ordinal);
    /// <summary>Settings whose values are credentials (<c>WithSecretEnvironment</c>): variable → key of the published Secret.</summary>
    internal Dictionary<string, string> SecretSettings { get; } = new(StringComparer.Ordinal);

    /// <summary>Completes when the process ends by itself (a crash); null for resources without a process.</summary>
    public virtual Task<int>? Exited => null;

    public abstract Task StartAsync(RunContext context, CancellationToken cancellationToken);
    public abstract Task<bool> IsHealthyAsync(CancellationToken cancellationToken);
    public abstract Task StopAsync();

    /// <summary>
    /// Starts it and waits until it is healthy. A process that dies while starting for the first time is started again
    /// on new ports, twice at most: a "free" port can be taken by another process between the moment it was chosen
    /// and the moment the server binds it (parallel test runs start dozens of servers), and the server then exits.
    /// </summary>
    public async Task StartHealthyAsync(RunContext context, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            await StartAsync(context, cancellationToken);
            try
            {
                await WaitHealthyAsync(context, timeout, cancellationToken);
                TimeToHealthy ??= clock.Elapsed;
                return;
            }
            catch (InvalidOperationException) when (attempt < 3 && this is ProcessResource process && TimeToHealthy is null && Exited is { IsCompleted: true })
            {
                context.Log.Say($"{Name} exited while starting (attempt {attempt}); starting it again on new ports.");
                process.Port = 0;
            }
        }
    }

    /// <summary>
    /// Polls health until it answers; fails at once if the process exits, or after <paramref name="timeout"/>, naming
    /// the log to read and quoting its end.
    /// </summary>
    public async Task WaitHealthyAsync(RunContext context, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await IsHealthyAsync(cancellationToken))
        {
            var exited = Exited is { IsCompleted: true };
            if (exited || DateTime.UtcNow > deadline)
            {
                var log = context.Log.LogFile(Name);
                var tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(15)) : "";
                throw new InvalidOperationException(
                    $"'{Name}' {(exited ? "exited while starting" : $"was not healthy after {timeout.TotalSeconds:0} s")}; its log is {log}:\n{tail}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }
}

/// <summary>A resource others connect to with a connection string, injected as <c>ConnectionStrings__&lt;name&gt;</c>.</summary>
public interface IResourceWithConnectionString
{
    string Name { get; }
    string ConnectionString { get; }
}

/// <summary>A resource others call over HTTP, injected as <c>services__&lt;name&gt;__http__0</c>.</summary>
public interface IResourceWithHttpEndpoint
{
    string Name { get; }
    string HttpEndpoint { get; }
}

/// <summary>A resource run as one child process, with its PID recorded so a killed AppHost's next run can stop it.</summary>
public abstract class ProcessResource(string name) : Resource(name)
{
    private ManagedProcess? _process;

    public override int? Pid => _process is { HasExited: false } p ? p.Pid : null;

    /// <summary>Its port on 127.0.0.1: chosen at the first start and kept across restarts, so clients reconnect to it.</summary>
    public int Port { get; internal set; }
    public override string? Endpoint => Port == 0 ? null : $"127.0.0.1:{Port}";

    /// <summary>Started and not exited: the precondition of every health probe.</summary>
    protected bool IsRunning => Port != 0 && _process is { HasExited: false };

    protected void ChoosePortOnce()
    {
        if (Port == 0) Port = Ports.Free();
    }
    public override Task<int>? Exited => _process?.Exited;
    protected ManagedProcess? Process => _process;
    protected RunContext? Context { get; private set; }

    protected void Launch(RunContext context, ProcessSpec spec)
    {
        Context = context;
        _process = ManagedProcess.Start(spec, line => context.Log.Write(Name, line));
        context.State.RecordPid(Name, _process.Pid);
    }

    protected virtual TimeSpan StopGrace => TimeSpan.FromSeconds(15);

    public override async Task StopAsync()
    {
        if (_process is null) return;
        await _process.StopAsync(StopGrace);
        Context?.State.ForgetPid(Name, _process.Pid);
    }
}
