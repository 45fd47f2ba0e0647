using System.Diagnostics;
using Xunit;

namespace MenSI.Hosting.Tests;

/// <summary>A process stand-in that crashes when told to, and counts its starts.</summary>
internal sealed class CrashingResource(string name) : Resource(name)
{
    private TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _starts;

    public int Starts => Volatile.Read(ref _starts);
    public DateTime LastStart { get; private set; }
    public override Task<int>? Exited => _exit.Task;

    public void Crash() => _exit.TrySetResult(137);

    public override Task StartAsync(RunContext context, CancellationToken cancellationToken)
    {
        _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
        LastStart = DateTime.UtcNow;
        Interlocked.Increment(ref _starts);
        return Task.CompletedTask;
    }

    public override Task<bool> IsHealthyAsync(CancellationToken cancellationToken) => Task.FromResult(!_exit.Task.IsCompleted);
    public override Task StopAsync() => Task.CompletedTask;
}

/// <summary>A resource whose health check, once told to, never answers.</summary>
internal sealed class HangingProbeResource(string name) : Resource(name)
{
    private readonly TaskCompletionSource<int> _exit = new();
    public volatile bool Hang;
    public override Task<int>? Exited => _exit.Task;
    public override Task StartAsync(RunContext context, CancellationToken cancellationToken) => Task.CompletedTask;
    public override Task<bool> IsHealthyAsync(CancellationToken cancellationToken) => Hang ? new TaskCompletionSource<bool>().Task : Task.FromResult(true);
    public override Task StopAsync() => Task.CompletedTask;
}

public class SupervisorTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);

    private static (Supervisor, List<string>) Supervise(RestartPolicy policy, params Resource[] resources)
    {
        var said = new List<string>();
        foreach (var r in resources) r.State = ResourceState.Healthy;
        var supervisor = new Supervisor(resources, policy, async (r, ct) =>
        {
            r.State = ResourceState.Starting;
            await r.StartAsync(null!, ct);
            r.State = ResourceState.Healthy;
        }, (r, s) => r.State = s, line => { lock (said) said.Add(line); });
        return (supervisor, said);
    }

    [Fact]
    public async Task A_resource_that_stays_up_between_crashes_is_restarted_every_time()
    {
        var postgres = new CrashingResource("postgres");
        var (supervisor, _) = Supervise(new RestartPolicy(2, TimeSpan.FromMilliseconds(10), StableAfter: TimeSpan.FromMilliseconds(300)), postgres);
        using var stop = new CancellationTokenSource();
        var running = supervisor.RunAsync(Tick, 5, stop.Token);

        for (var crash = 1; crash <= 6; crash++) // three times the budget, each after a stable while
        {
            await Task.Delay(400);
            postgres.Crash();
            await WaitUntilAsync(() => postgres.Starts == crash && postgres.State == ResourceState.Healthy);
        }

        await stop.CancelAsync();
        await running;
        Assert.Equal(6, postgres.Starts);
        Assert.Equal(ResourceState.Healthy, postgres.State);
    }

    [Fact]
    public async Task A_crash_loop_gives_up_after_its_budget_and_says_so()
    {
        var service = new CrashingResource("clusters");
        var (supervisor, said) = Supervise(new RestartPolicy(2, TimeSpan.FromMilliseconds(10), StableAfter: TimeSpan.FromSeconds(30)), service);
        using var stop = new CancellationTokenSource();
        var running = supervisor.RunAsync(Tick, 5, stop.Token);

        service.Crash();
        for (var restart = 1; restart <= 2; restart++)
        {
            await WaitUntilAsync(() => service.Starts == restart);
            service.Crash(); // at once: never stable
        }

        await WaitUntilAsync(() => service.State == ResourceState.Failed);
        await stop.CancelAsync();
        await running;
        Assert.Equal(2, service.Starts);
        Assert.Contains(said, line => line.Contains("giving up", StringComparison.Ordinal));
    }

    [Fact]
    public async Task One_resource_backing_off_does_not_hold_up_another()
    {
        var slow = new CrashingResource("rabbitmq");
        var other = new CrashingResource("registry");
        var (supervisor, _) = Supervise(new RestartPolicy(5, TimeSpan.FromSeconds(2), StableAfter: TimeSpan.FromSeconds(30)), slow, other);
        using var stop = new CancellationTokenSource();
        var running = supervisor.RunAsync(Tick, 5, stop.Token);

        slow.Crash();
        await Task.Delay(200); // the supervisor is now waiting out the first one's back-off
        var crashed = Stopwatch.StartNew();
        other.Crash();
        await WaitUntilAsync(() => other.Starts == 1);

        // Its own 2 s back-off, not that plus the first one's (about 4 s when restarts were awaited one by one).
        Assert.InRange(crashed.Elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(3.2));
        await stop.CancelAsync();
        await running;
    }

    /// <summary>A health check that never answers (a wedged server) neither stalls supervision nor leaves its resource "healthy".</summary>
    [Fact]
    public async Task A_hung_health_check_neither_stalls_supervision_nor_passes_for_healthy()
    {
        var wedged = new HangingProbeResource("redis");
        var other = new CrashingResource("registry");
        var (supervisor, said) = Supervise(new RestartPolicy(5, TimeSpan.FromMilliseconds(10), StableAfter: TimeSpan.FromSeconds(30)), wedged, other);
        using var stop = new CancellationTokenSource();
        var running = supervisor.RunAsync(Tick, 1, stop.Token);

        wedged.Hang = true;
        await Task.Delay(300); // its probe now hangs
        other.Crash();
        var crashed = Stopwatch.StartNew();
        await WaitUntilAsync(() => other.Starts == 1 && other.State == ResourceState.Healthy);
        Assert.True(crashed.Elapsed < TimeSpan.FromSeconds(2), $"the crash was noticed after {crashed.Elapsed.TotalSeconds:0.0} s: supervision waited on the hung probe");

        await WaitUntilAsync(() => wedged.State == ResourceState.Unhealthy, Supervisor.ProbeTimeout + TimeSpan.FromSeconds(5));
        Assert.Contains(said, line => line.Contains("redis's health check has not answered", StringComparison.Ordinal));
        await stop.CancelAsync();
        await running;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The supervisor did not get there in {(patience ?? TimeSpan.FromSeconds(10)).TotalSeconds:0} s.");
            await Task.Delay(10);
        }
    }
}
