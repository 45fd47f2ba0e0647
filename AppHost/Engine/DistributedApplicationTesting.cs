using System.Reflection;

namespace MenSI.Hosting;

/// <summary>
/// Starts an AppHost's very own graph in a test, as Aspire's testing builder does: it runs the AppHost's entry point
/// with test settings (a throw-away state folder, quiet console, free ports) and hands back the running application
/// once every resource is healthy. Disposing it stops the graph and lets the entry point return.
/// </summary>
public sealed class DistributedApplicationTesting : IAsyncDisposable
{
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);
    private readonly TaskCompletionSource<DistributedApplication> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stop = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _entryPoint = Task.CompletedTask;

    internal static DistributedApplicationTesting? Current { get; private set; }

    private DistributedApplicationTesting(IDictionary<string, string?> configuration) => Configuration = configuration;

    internal IDictionary<string, string?> Configuration { get; }
    internal Task StopRequested => _stop.Task;
    public DistributedApplication Application => _started.Task.Result;

    internal void Started(DistributedApplication app) => _started.TrySetResult(app);

    /// <param name="configuration">Overrides of the AppHost's settings; StateDir, Quiet and Durable have test defaults;
    /// KeepState=true keeps the state folder after the stop (for a warm start).</param>
    public static async Task<DistributedApplicationTesting> StartAsync<TEntryPoint>(IDictionary<string, string?>? configuration = null, TimeSpan? timeout = null)
    {
        await OneAtATime.WaitAsync();
        var settings = new Dictionary<string, string?>
        {
            ["StateDir"] = Path.Combine(Path.GetTempPath(), "mensi-e2e-" + Guid.NewGuid().ToString("N")[..8]),
            ["Quiet"] = "true",
            ["Durable"] = "false",
        };
        foreach (var (key, value) in configuration ?? new Dictionary<string, string?>()) settings[key] = value;

        var testing = new DistributedApplicationTesting(settings);
        Current = testing;
        var entryPoint = typeof(TEntryPoint).Assembly.EntryPoint ?? throw new InvalidOperationException($"{typeof(TEntryPoint).Assembly} has no entry point.");
        testing._entryPoint = Task.Run(async () =>
        {
            try
            {
                var result = entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
                if (result is Task task) await task;
            }
            catch (Exception e)
            {
                testing._started.TrySetException(e is TargetInvocationException { InnerException: { } inner } ? inner : e);
                throw;
            }
        });

        var finished = await Task.WhenAny(testing._started.Task, testing._entryPoint, Task.Delay(timeout ?? TimeSpan.FromMinutes(3)));
        if (finished != testing._started.Task)
        {
            testing._stop.TrySetResult();
            await testing.DisposeAsync();
            if (finished == testing._entryPoint) await testing._entryPoint; // surfaces the start-up error
            throw new TimeoutException("The AppHost did not report every resource healthy in time.");
        }

        return testing;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.TrySetResult();
        try { await _entryPoint; }
        catch (Exception) { /* reported by StartAsync */ }
        finally
        {
            if (_started.Task.IsCompletedSuccessfully && !(Configuration.TryGetValue("KeepState", out var keep) && keep == "true"))
            {
                StateFolder.Wipe(_started.Task.Result.State.Root);
            }
            Current = null;
            OneAtATime.Release();
        }
    }
}
