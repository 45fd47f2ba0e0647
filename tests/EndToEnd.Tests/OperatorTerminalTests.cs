using System.Diagnostics;
using System.Globalization;
using System.Text;
using MenSI.Hosting;
using MenSI.Testing;
using Xunit;
using Xunit.Abstractions;

namespace MenSI.EndToEnd.Tests;

/// <summary>
/// The AppHost as an operator meets it: a command of its own process group, as a shell starts a foreground job, and
/// Ctrl+C as a terminal delivers it: SIGINT to that whole group, so every process still in it gets it too. A test run
/// started in the background inherits SIGINT ignored (POSIX shells ignore it for background jobs, and .NET keeps an
/// inherited ignore), so the AppHost is given SIGINT's default disposition, as a terminal's foreground job has it.
/// </summary>
public class OperatorTerminalTests(ITestOutputHelper output)
{
    private static readonly string AppHost = typeof(Program).Assembly.Location;

    private static Process Start(string fileName, IEnumerable<string> arguments, bool redirectInput = false)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = redirectInput, UseShellExecute = false };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    private static async Task<(int Code, string Output)> RunToEndAsync(Process process, TimeSpan timeout)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try { await process.WaitForExitAsync(cancel.Token); }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); throw new TimeoutException($"still running after {timeout.TotalSeconds:0} s"); }
        return (process.ExitCode, await stdout + await stderr);
    }

    [System.Runtime.InteropServices.DllImport("libc")] private static extern int kill(int pid, int signal);

    private static string LogTail(string state)
    {
        var log = Path.Combine(state, "logs", "apphost.log");
        return File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(40)) : $"(no {log}: {string.Join(", ", Directory.Exists(Path.Combine(state, "logs")) ? Directory.GetFiles(Path.Combine(state, "logs")).Select(Path.GetFileName) : [])})";
    }

    [Theory]
    [InlineData("--frobnicate", "'--frobnicate'")]
    [InlineData("publish helm --output x", "one target, kubernetes")]
    [InlineData("publish kubernetes --output x --gateway-port 1", "'--gateway-port' for publish kubernetes")]
    [InlineData("publish kubernetes", "needs --output")]
    [InlineData("publish kubernetes --output x --public-url ftp://x", "--public-url takes an http(s) address")]
    public async Task Unknown_options_are_refused_with_the_usage_and_nothing_starts(string arguments, string reason)
    {
        var state = Path.Combine(Path.GetTempPath(), "mensi-options-" + Guid.NewGuid().ToString("N")[..8]);
        var workingDirectory = Directory.CreateTempSubdirectory("mensi-options-cwd-");
        try
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory.FullName };
            foreach (var a in new[] { AppHost }.Concat(arguments.Split(' ')).Concat(arguments.StartsWith("publish", StringComparison.Ordinal) ? [] : ["--state-dir", state])) info.ArgumentList.Add(a);
            using var process = Process.Start(info)!;
            var (code, text) = await RunToEndAsync(process, TimeSpan.FromSeconds(60));

            Assert.Equal(2, code);
            Assert.Contains("usage: dotnet run --project AppHost", text, StringComparison.Ordinal);
            Assert.Contains(reason, text, StringComparison.Ordinal);
            Assert.False(Directory.Exists(state)); // nothing was started or written
            Assert.Empty(workingDirectory.GetFileSystemInfos());
        }
        finally
        {
            workingDirectory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_second_AppHost_is_refused_and_Ctrl_C_stops_everything_within_5_seconds()
    {
        var state = Path.Combine(Path.GetTempPath(), "mensi-terminal-" + Guid.NewGuid().ToString("N")[..8]);
        var port = Ports.Free();
        // env and setsid exec in place: the AppHost's PID is its process group's, as a shell's foreground job's.
        using var terminal = Start("env", ["--default-signal=INT", "setsid", "dotnet", AppHost, "--state-dir", state, "--gateway-port", port.ToString(CultureInfo.InvariantCulture)]);
        var screen = new StringBuilder();
        terminal.OutputDataReceived += (_, e) => { lock (screen) screen.AppendLine(e.Data); };
        terminal.ErrorDataReceived += (_, e) => { lock (screen) screen.AppendLine(e.Data); };
        terminal.BeginOutputReadLine();
        terminal.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var healthy = await Eventually.UntilAsync(async () =>
            {
                try { return (await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health"))).IsSuccessStatusCode; }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return false; }
            }, up => up, TimeSpan.FromMinutes(3));
            Assert.True(healthy, "the AppHost did not come up: " + screen);

            // A second AppHost on the same folder says so and leaves the first alone.
            using (var second = Start("dotnet", [AppHost, "--state-dir", state, "--gateway-port", Ports.Free().ToString(CultureInfo.InvariantCulture)]))
            {
                var (code, text) = await RunToEndAsync(second, TimeSpan.FromSeconds(60));
                Assert.Equal(1, code);
                Assert.Contains("Another AppHost", text, StringComparison.Ordinal);
            }

            Assert.True((await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health"))).IsSuccessStatusCode);
            var children = Directory.GetFiles(Path.Combine(state, "pids"), "*.json")
                .Select(f => int.Parse(Path.GetFileName(f).Split('.')[^2], CultureInfo.InvariantCulture)).ToList();
            Assert.True(children.Count >= 8, $"only {children.Count} recorded processes");

            var clock = Stopwatch.StartNew();
            Assert.Equal(0, kill(-terminal.Id, 2)); // Ctrl+C: SIGINT to the foreground process group

            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try { await terminal.WaitForExitAsync(cancel.Token); }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Still running 30 s after Ctrl+C. The terminal:\n{screen}\nThe AppHost's log:\n{LogTail(state)}");
            }

            var took = clock.Elapsed;
            output.WriteLine($"Ctrl+C to exit: {took.TotalSeconds:0.0} s");

            Assert.DoesNotContain(children, pid => Directory.Exists($"/proc/{pid}"));
            Assert.True(took < TimeSpan.FromSeconds(5), $"Ctrl+C took {took.TotalSeconds:0.0} s:\n{screen}\n{LogTail(state)}");
        }
        finally
        {
            if (!terminal.HasExited) terminal.Kill(entireProcessTree: true);
            try { StateFolder.Wipe(state); } catch (IOException) { }
        }
    }
}
