using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using MenSI.Hosting.Dashboard;

namespace MenSI.Hosting;

/// <summary>
/// Runs a declared graph: stops what a killed earlier run left, installs missing servers, starts each resource once
/// everything it waits for is healthy, supervises (restarting a crashed process with back-off), and stops everything
/// in reverse dependency order.
/// </summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly IReadOnlyList<Resource> _resources;
    private readonly IReadOnlyList<string> _startedNotes;
    private readonly IReadOnlyList<Func<DistributedApplication, CancellationToken, Task>> _onStarted;
    private readonly RunContext _context;
    private readonly CancellationTokenSource _supervision = new();
    private Task _supervisor = Task.CompletedTask;
    private volatile bool _stopping;

    internal DistributedApplication(IReadOnlyList<Resource> resources, StateFolder state, string repositoryRoot, bool durable, bool quiet,
        IReadOnlyList<string> startedNotes, IReadOnlyList<Func<DistributedApplication, CancellationToken, Task>> onStarted)
    {
        _onStarted = onStarted;
        _resources = resources;
        _startedNotes = startedNotes;
        State = state;
        Log = new LogSink(state, toConsole: !quiet);
        _context = new RunContext(state, Log, durable, repositoryRoot);
    }

    /// <summary>The graph's builder; unknown options print the usage and end the process (exit code 2), <c>--help</c> prints it (0).</summary>
    public static DistributedApplicationBuilder CreateBuilder(string[] args)
    {
        if (args.Any(a => a is "--help" or "-h"))
        {
            Console.WriteLine(DistributedApplicationBuilder.Usage);
            System.Environment.Exit(0);
        }

        if (DistributedApplicationBuilder.CheckArguments(args) is { } problem)
        {
            Console.Error.WriteLine(problem);
            Console.Error.WriteLine(DistributedApplicationBuilder.Usage);
            System.Environment.Exit(2);
        }

        return new(args, DistributedApplicationTesting.Current?.Configuration);
    }

    public StateFolder State { get; }
    public LogSink Log { get; }
    public IReadOnlyList<Resource> Resources => _resources;
    public TimeSpan StartupTime { get; private set; }
    public RestartPolicy RestartPolicy { get; init; } = RestartPolicy.Default;
    /// <summary>Where the dashboard is served while the application runs (null: none).</summary>
    public int? DashboardPort { get; init; }
    /// <summary>The dashboard, from the start of <see cref="RunAsync"/> until everything is stopped.</summary>
    public DashboardServer? Dashboard { get; private set; }
    /// <summary>Held for the application's lifetime: no second AppHost on this state folder meanwhile.</summary>
    internal InstanceLock? InstanceLock { get; init; }

    public Resource this[string name] => _resources.Single(r => r.Name == name);
    public T Get<T>(string name) where T : Resource => (T)this[name];

    /// <summary>Starts the graph and returns once every resource is healthy (or throws, having stopped what it started).</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        foreach (var leftover in State.StopLeftovers()) Log.Say($"Stopped {leftover}, left running by an earlier run that did not stop cleanly.");
        await ServerBinaries.EnsureInstalledAsync(Log.Say, cancellationToken);
        foreach (var project in _resources.OfType<ProjectResource>().Where(p => p.Port != 0 && !Ports.IsFree(p.Port)))
        {
            throw new InvalidOperationException($"Port {project.Port} for '{project.Name}' is in use. Stop what uses it, or choose another port (--gateway-port).");
        }

        var started = _resources.ToDictionary(r => r, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await Task.WhenAll(_resources.Select(r => StartWhenReadyAsync(r, started, cancellationToken)));
        }
        catch
        {
            Log.Say(cancellationToken.IsCancellationRequested ? "Start-up cancelled; stopping what was started." : "Start-up failed; stopping what was started.");
            await StopAsync();
            throw;
        }

        StartupTime = clock.Elapsed;
        // Crashes are noticed within a second, health every five.
        _supervisor = new Supervisor(_resources, RestartPolicy, StartOneAsync, SetState, Log.Say).RunAsync(TimeSpan.FromSeconds(1), 5, _supervision.Token);
    }

    private async Task StartWhenReadyAsync(Resource resource, Dictionary<Resource, TaskCompletionSource> started, CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(resource.WaitsFor.Select(d => started[d].Task));
            await StartOneAsync(resource, cancellationToken);
            started[resource].SetResult();
        }
        catch (Exception e)
        {
            SetState(resource, ResourceState.Failed);
            started[resource].TrySetException(e);
            throw;
        }
    }

    private async Task StartOneAsync(Resource resource, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        if (resource.StartedAt is not null) resource.Restarts++;
        resource.StartedAt = DateTimeOffset.UtcNow;
        SetState(resource, ResourceState.Starting);
        await resource.StartHealthyAsync(_context, StartTimeout, cancellationToken);
        SetState(resource, ResourceState.Healthy);
        Log.Say($"{resource.Name} healthy in {clock.Elapsed.TotalSeconds:0.0} s{(resource.Endpoint is { } e ? $" at {e}" : "")}");
    }

    /// <summary>Stops one resource on purpose (an operator's stop, a fault test): it stays down, unsupervised, until started.</summary>
    public async Task StopResourceAsync(string name)
    {
        var resource = this[name];
        SetState(resource, ResourceState.Stopping);
        await resource.StopAsync();
        SetState(resource, ResourceState.Stopped);
    }

    /// <summary>Starts a resource stopped with <see cref="StopResourceAsync"/> and waits until it is healthy.</summary>
    public Task StartResourceAsync(string name, CancellationToken cancellationToken = default) =>
        _stopping ? throw new InvalidOperationException("The application is stopping; nothing starts now.") : StartOneAsync(this[name], cancellationToken);

    private void SetState(Resource resource, ResourceState state)
    {
        if (resource.State == state) return;
        var previous = resource.State;
        resource.State = state;
        // After start-up every change is news to the operator: say it, and show the table again.
        if (StartupTime > TimeSpan.Zero && !_stopping)
        {
            Log.Say($"{resource.Name}: {previous.ToString().ToLowerInvariant()} -> {state.ToString().ToLowerInvariant()}");
            if (Log.ToConsole && state is ResourceState.Healthy or ResourceState.Unhealthy or ResourceState.Failed) Console.WriteLine(Table());
        }
    }

    /// <summary>Stops services before what they depend on, each level in parallel; leaves no process behind.</summary>
    public async Task StopAsync()
    {
        if (_stopping) return;
        _stopping = true;
        await _supervision.CancelAsync();
        await _supervisor;

        var depth = new Dictionary<Resource, int>();
        int Depth(Resource r) => depth.TryGetValue(r, out var d) ? d : depth[r] = r.WaitsFor.Count == 0 ? 0 : 1 + r.WaitsFor.Max(Depth);
        foreach (var level in _resources.GroupBy(Depth).OrderByDescending(g => g.Key))
        {
            await Task.WhenAll(level.Select(async r =>
            {
                if (r.State == ResourceState.Waiting) return;
                SetState(r, ResourceState.Stopping);
                try { await r.StopAsync(); }
                catch (Exception e) { Log.Say($"Stopping {r.Name}: {e.Message}"); }
                SetState(r, ResourceState.Stopped);
            }));
        }

        State.StopLeftovers();
        Log.Say("All resources stopped.");
        if (Dashboard is not null) await Dashboard.DisposeAsync();
        InstanceLock?.Dispose(); // the folder is free for the next AppHost
    }

    /// <summary>Kills every process at once: the second Ctrl+C.</summary>
    public void Kill()
    {
        foreach (var r in _resources.OfType<ProcessResource>()) if (r.Pid is { } pid) ManagedProcess.SendSignal(pid, Signal.Kill);
        State.StopLeftovers();
    }

    /// <summary>
    /// The AppHost's main loop: start, print the table and the URLs, wait for Ctrl+C or SIGTERM, stop. A second Ctrl+C
    /// forces the stop. Under <see cref="DistributedApplicationTesting"/> it hands the running graph to the test instead.
    /// </summary>
    public async Task RunAsync()
    {
        var testing = DistributedApplicationTesting.Current;
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Ctrl+C while starting cancels the start (what was started is stopped at once, not after the rest is healthy),
        // and after it, what runs on start (a demo being seeded).
        using var stopping = new CancellationTokenSource();
        var signals = 0;
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            if (Interlocked.Increment(ref signals) == 1)
            {
                Log.Say("Stopping (press Ctrl+C again to force)...");
                stop.TrySetResult();
                stopping.Cancel();
            }
            else
            {
                Log.Say("Forced stop.");
                Kill();
                System.Environment.Exit(130);
            }
        }

        using var sigint = testing is null ? PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal) : null;
        using var sigterm = testing is null ? PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal) : null;
        // Up before the resources, so the operator can watch them start.
        if (DashboardPort is { } dashboardPort)
        {
            Dashboard = await DashboardServer.StartAsync(this, dashboardPort);
            Log.Say($"Dashboard: {Dashboard.NewLoginLink()} (a one-time sign-in link)");
        }

        try
        {
            await StartAsync(stopping.Token);
        }
        catch (Exception) when (testing is null && stopping.IsCancellationRequested)
        {
            Log.Say("Stopped during start-up.");
            System.Environment.ExitCode = 130;
            return;
        }
        catch (Exception e) when (testing is null)
        {
            Log.Say($"Start-up failed: {e.Message}");
            System.Environment.ExitCode = 1;
            return;
        }

        Log.Say($"Every resource healthy in {StartupTime.TotalSeconds:0.0} s.");
        if (Log.ToConsole)
        {
            Console.WriteLine(Table());
            foreach (var entry in _resources.OfType<ProjectResource>().Where(p => p.FixedPort))
            {
                Console.WriteLine($"Open http://localhost:{entry.Port}/api/v1/schools (the API), http://localhost:{entry.Port}/health (health). Ctrl+C stops everything.");
            }

            foreach (var note in _startedNotes) Console.WriteLine(note);
            if (Dashboard is not null) Console.WriteLine($"Dashboard (resources, logs, queues): {Dashboard.LoginLink}  (the link signs one browser in, once)");
        }

        foreach (var onStarted in _onStarted)
        {
            try { await onStarted(this, stopping.Token); }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { break; }
            catch (Exception e) { Log.Say($"After start-up: {e.Message} (the network keeps running)."); }
        }
        if (testing is not null)
        {
            testing.Started(this);
            await testing.StopRequested;
        }
        else
        {
            await Task.WhenAny(stop.Task, ParentGoneAsync());
        }

        await StopAsync();
    }

    /// <summary>
    /// Completes when the process that started us goes away (say <c>dotnet run</c> was killed): we are reparented, and
    /// must not keep the network running with nobody to stop it.
    /// </summary>
    private async Task ParentGoneAsync()
    {
        if (!OperatingSystem.IsLinux()) { await Task.Delay(Timeout.Infinite); return; }
        var parent = getppid();
        while (getppid() == parent) await Task.Delay(TimeSpan.FromSeconds(1));
        Log.Say("The process that started the AppHost is gone; stopping.");
    }

    [DllImport("libc")] private static extern int getppid();

    public string Table()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfoInvariant($"{"RESOURCE",-14} {"STATE",-10} {"PID",-8} ENDPOINT"));
        foreach (var r in _resources)
        {
            sb.AppendLine(CultureInfoInvariant($"{r.Name,-14} {r.State.ToString().ToLowerInvariant(),-10} {r.Pid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",-8} {r.Endpoint ?? "-"}"));
        }

        sb.Append(CultureInfoInvariant($"Logs: {State.LogsDirectory}"));
        return sb.ToString();
    }

    private static string CultureInfoInvariant(FormattableString text) => text.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Log.Dispose();
        _supervision.Dispose();
    }
}
