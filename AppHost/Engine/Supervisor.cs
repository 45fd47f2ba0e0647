namespace MenSI.Hosting;

/// <summary>
/// How crashed resources come back: up to <see cref="MaxRestarts"/> restarts in a row, <see cref="BaseDelay"/> doubling
/// each time; a resource that then stays up for <see cref="StableAfter"/> has its budget back, so a crash a day is
/// always restarted and only a crash loop gives up.
/// </summary>
public sealed record RestartPolicy(int MaxRestarts, TimeSpan BaseDelay, TimeSpan StableAfter)
{
    public static readonly RestartPolicy Default = new(5, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));

    public TimeSpan DelayBefore(int attempt) => BaseDelay * Math.Pow(2, attempt - 1);
}

/// <summary>
/// Watches a running graph: notices a process that exited by itself within a second and restarts it (each restart on
/// its own task, so one resource's back-off never holds up another's), and probes health every few seconds, each probe
/// on its own task too: a probe that hangs makes its resource unhealthy after <see cref="ProbeTimeout"/>, and never
/// keeps the supervisor from noticing the others.
/// </summary>
internal sealed class Supervisor(IReadOnlyList<Resource> resources, RestartPolicy policy, Func<Resource, CancellationToken, Task> start,
    Action<Resource, ResourceState> setState, Action<string> say)
{
    private readonly Dictionary<Resource, Budget> _budgets = resources.ToDictionary(r => r, _ => new Budget());
    private readonly Dictionary<Resource, Task> _restarting = [];
    private readonly Dictionary<Resource, (Task Probe, DateTime Since)> _probing = [];

    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    private sealed class Budget
    {
        public int RestartsInARow;
        public DateTime HealthySince = DateTime.UtcNow;
    }

    /// <summary>How many times <paramref name="resource"/> has been restarted since it was last stable.</summary>
    public int RestartsInARow(Resource resource) => _budgets[resource].RestartsInARow;

    public async Task RunAsync(TimeSpan tick, int probeEvery, CancellationToken cancellationToken)
    {
        var ticks = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(tick, cancellationToken);
                var probeHealth = ++ticks % probeEvery == 0;
                foreach (var resource in resources)
                {
                    if (_restarting.TryGetValue(resource, out var restart))
                    {
                        if (!restart.IsCompleted) continue;
                        _restarting.Remove(resource);
                    }

                    if (resource.Exited is { IsCompleted: true } && resource.State is not (ResourceState.Failed or ResourceState.Starting or ResourceState.Stopping or ResourceState.Stopped))
                    {
                        _restarting[resource] = RestartAsync(resource, cancellationToken);
                    }
                    else if (resource.State is ResourceState.Healthy or ResourceState.Unhealthy)
                    {
                        Probe(resource, probeHealth, cancellationToken);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                say($"Supervision error: {e.Message}");
            }
        }

        try { await Task.WhenAll(_restarting.Values); } catch (OperationCanceledException) { }
    }

    /// <summary>Starts a probe when it is time and none is running; says so once when one has run longer than it may.</summary>
    private void Probe(Resource resource, bool due, CancellationToken cancellationToken)
    {
        if (_probing.TryGetValue(resource, out var probe))
        {
            if (!probe.Probe.IsCompleted)
            {
                if (DateTime.UtcNow - probe.Since > ProbeTimeout && resource.State == ResourceState.Healthy)
                {
                    say($"{resource.Name}'s health check has not answered in {ProbeTimeout.TotalSeconds:0} s.");
                    setState(resource, ResourceState.Unhealthy);
                }

                return;
            }

            _probing.Remove(resource);
        }

        if (!due) return;
        _probing[resource] = (ProbeAsync(resource, cancellationToken), DateTime.UtcNow);
    }

    private async Task ProbeAsync(Resource resource, CancellationToken cancellationToken)
    {
        try
        {
            var healthy = await resource.IsHealthyAsync(cancellationToken);
            // A crash noticed meanwhile is the restart's to report.
            if (resource.State is ResourceState.Healthy or ResourceState.Unhealthy) setState(resource, healthy ? ResourceState.Healthy : ResourceState.Unhealthy);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            say($"{resource.Name}'s health check failed: {e.Message}");
            setState(resource, ResourceState.Unhealthy);
        }
    }

    private async Task RestartAsync(Resource resource, CancellationToken cancellationToken)
    {
        var exitCode = await resource.Exited!;
        setState(resource, ResourceState.Exited);
        var budget = _budgets[resource];
        if (DateTime.UtcNow - budget.HealthySince >= policy.StableAfter) budget.RestartsInARow = 0;
        var attempt = ++budget.RestartsInARow;
        if (attempt > policy.MaxRestarts)
        {
            say($"{resource.Name} exited (code {exitCode}) after {policy.MaxRestarts} restarts in a row, none of which lasted {policy.StableAfter.TotalSeconds:0} s; giving up.");
            setState(resource, ResourceState.Failed);
            return;
        }

        var delay = policy.DelayBefore(attempt);
        say($"{resource.Name} exited unexpectedly (code {exitCode}); restarting in {delay.TotalSeconds:0.#} s (attempt {attempt} of {policy.MaxRestarts}).");
        try
        {
            await Task.Delay(delay, cancellationToken);
            await start(resource, cancellationToken);
            budget.HealthySince = DateTime.UtcNow;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Counted as a crash: the next look at it finds it exited (or never healthy) and tries again, or gives up.
            say($"Restarting {resource.Name} failed: {e.Message}");
            setState(resource, ResourceState.Unhealthy);
        }
    }
}
