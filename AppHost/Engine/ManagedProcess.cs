using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MenSI.Hosting;

/// <summary>What to run, and how it must die.</summary>
public sealed record ProcessSpec(string FileName, IReadOnlyList<string> Arguments)
{
    public string? WorkingDirectory { get; init; }
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    /// <summary>Run as this system user (PostgreSQL refuses root). Only honoured when we are root.</summary>
    public string? RunAsUser { get; init; }
    /// <summary>The signal that stops it cleanly; also what it receives if the host dies outright.</summary>
    public Signal StopSignal { get; init; } = Signal.Terminate;
}

public enum Signal { Interrupt = 2, Kill = 9, Terminate = 15 }

/// <summary>
/// A child process we own. On Linux every child is started through <c>setpriv --pdeathsig</c> from one dedicated,
/// never-ending thread: the kernel then signals the child when the host process dies, even on SIGKILL, so no server
/// outlives its AppHost or test run. (The death signal is tied to the creating thread, hence the dedicated thread:
/// a thread-pool thread may retire and take the children with it.) Each child runs in a session of its own
/// (<c>setsid</c>, which execs in place, so the PID stays the child's): a Ctrl+C in the operator's terminal reaches the
/// AppHost alone, which stops the children in order, instead of every server at once (RabbitMQ would drop into its
/// BREAK menu and wait out its stop grace).
/// </summary>
public sealed class ManagedProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ManagedProcess(Process process, ProcessSpec spec)
    {
        _process = process;
        Spec = spec;
    }

    public ProcessSpec Spec { get; }
    public int Pid => _process.Id;
    public bool HasExited => _exited.Task.IsCompleted;
    public Task<int> Exited => _exited.Task;

    public static ManagedProcess Start(ProcessSpec spec, Action<string> onOutput)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = spec.WorkingDirectory ?? System.Environment.CurrentDirectory,
        };
        foreach (var (key, value) in spec.Environment) info.Environment[key] = value;

        if (OperatingSystem.IsLinux() && File.Exists(SetPriv))
        {
            info.FileName = SetPriv;
            info.ArgumentList.Add("--pdeathsig");
            info.ArgumentList.Add(spec.StopSignal switch { Signal.Interrupt => "INT", Signal.Kill => "KILL", _ => "TERM" });
            if (spec.RunAsUser is not null && IsRoot)
            {
                info.ArgumentList.Add($"--reuid={spec.RunAsUser}");
                info.ArgumentList.Add($"--regid={spec.RunAsUser}");
                info.ArgumentList.Add("--init-groups");
            }

            if (File.Exists(SetSid)) info.ArgumentList.Add(SetSid);
            info.ArgumentList.Add(spec.FileName);
        }
        else
        {
            info.FileName = spec.FileName;
        }

        foreach (var argument in spec.Arguments) info.ArgumentList.Add(argument);

        var process = Launcher.Start(info);
        var managed = new ManagedProcess(process, spec);
        process.EnableRaisingEvents = true;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) onOutput(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) onOutput(e.Data); };
        process.Exited += (_, _) =>
        {
            process.WaitForExit(); // drains the output readers
            managed._exited.TrySetResult(process.ExitCode);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (process.HasExited) managed._exited.TrySetResult(process.ExitCode);
        return managed;
    }

    /// <summary>Sends the stop signal, waits, then kills. Safe to call twice.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (HasExited) return;
        SendSignal(Pid, Spec.StopSignal);
        if (await Task.WhenAny(Exited, Task.Delay(grace)) == Exited) return;
        SendSignal(Pid, Signal.Kill);
        await Task.WhenAny(Exited, Task.Delay(TimeSpan.FromSeconds(5)));
    }

    public void Kill() { if (!HasExited) SendSignal(Pid, Signal.Kill); }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }

    public static bool IsRoot => OperatingSystem.IsLinux() && geteuid() == 0;

    public static void SendSignal(int pid, Signal signal)
    {
        if (OperatingSystem.IsWindows())
        {
            try { Process.GetProcessById(pid).Kill(entireProcessTree: true); } catch (ArgumentException) { }
            return;
        }

        _ = kill(pid, (int)signal);
    }

    private const string SetPriv = "/usr/bin/setpriv";
    private const string SetSid = "/usr/bin/setsid";

    [DllImport("libc", SetLastError = true)] private static extern int kill(int pid, int sig);
    [DllImport("libc")] private static extern uint geteuid();

    /// <summary>Starts processes from one thread that lives as long as the host (see the class comment).</summary>
    private static class Launcher
    {
        private static readonly BlockingCollection<(ProcessStartInfo Info, TaskCompletionSource<Process> Result)> Queue = [];

        static Launcher()
        {
            var thread = new Thread(() =>
            {
                foreach (var (info, result) in Queue.GetConsumingEnumerable())
                {
                    try { result.SetResult(Process.Start(info)!); }
                    catch (Exception e) { result.SetException(e); }
                }
            }) { IsBackground = true, Name = "mensi-process-launcher" };
            thread.Start();
        }

        public static Process Start(ProcessStartInfo info)
        {
            var result = new TaskCompletionSource<Process>();
            Queue.Add((info, result));
            return result.Task.GetAwaiter().GetResult();
        }
    }
}
