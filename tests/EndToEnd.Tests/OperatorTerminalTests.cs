using System.Diagnostics;
using System.Globalization;
using System.Text;
using MenSI.Hosting;
using MenSI.Testing;
using Xunit;
using Xunit.Abstractions;

namespace MenSI.EndToEnd.Tests;

/// <summary>The AppHost as an operator meets it: its options, and Ctrl+C in a real terminal (see <see cref="Terminal"/>).</summary>
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
    [InlineData("--dashboard-port eighteen", "--dashboard-port takes a port number")]
    [InlineData("demo --frobnicate", "'--frobnicate'")]
    [InlineData("demo --gateway-url ftp://x", "--gateway-url takes an http(s) address")]
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

    /// <summary>
    /// The AppHost in a real pseudo-terminal, as an operator's shell runs it: <c>script</c> gives it a pty of its own, and
    /// Ctrl+C is the byte 0x03 typed into that terminal, which the terminal's line discipline turns into SIGINT for its
    /// foreground process group. (<c>env --default-signal=INT</c>: a test run started in the background inherits SIGINT
    /// ignored, and an interactive shell's foreground job would not.)
    /// </summary>
    private sealed class Terminal : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _screen = new();

        public Terminal(string command)
        {
            var info = new ProcessStartInfo("script") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "--quiet", "--flush", "--return", "--command", command, "/dev/null" }) info.ArgumentList.Add(a);
            _process = Process.Start(info)!;
            _process.OutputDataReceived += (_, e) => { lock (_screen) _screen.AppendLine(e.Data); };
            _process.ErrorDataReceived += (_, e) => { lock (_screen) _screen.AppendLine(e.Data); };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public string Screen { get { lock (_screen) return _screen.ToString(); } }
        public bool HasExited => _process.HasExited;
        public int ExitCode => _process.ExitCode;

        public async Task CtrlCAsync()
        {
            await _process.StandardInput.WriteAsync('\u0003');
            await _process.StandardInput.FlushAsync();
        }

        public async Task<bool> WaitForExitAsync(TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            try { await _process.WaitForExitAsync(cancel.Token); return true; }
            catch (OperationCanceledException) { return false; }
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.Dispose();
        }
    }

    private static string AppHostCommand(string state, int port) =>
        $"env --default-signal=INT dotnet {AppHost} --state-dir {state} --gateway-port {port.ToString(CultureInfo.InvariantCulture)}";

    private static List<int> RecordedChildren(string state) =>
        Directory.Exists(Path.Combine(state, "pids"))
            ? Directory.GetFiles(Path.Combine(state, "pids"), "*.json").Select(f => int.Parse(Path.GetFileName(f).Split('.')[^2], CultureInfo.InvariantCulture)).ToList()
            : [];

    [Fact]
    public async Task A_second_AppHost_is_refused_and_Ctrl_C_in_a_terminal_stops_everything_within_5_seconds()
    {
        var state = Path.Combine(Path.GetTempPath(), "mensi-terminal-" + Guid.NewGuid().ToString("N")[..8]);
        var port = Ports.Free();
        using var terminal = new Terminal(AppHostCommand(state, port));
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var healthy = await Eventually.UntilAsync(async () =>
            {
                try { return (await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health"))).IsSuccessStatusCode; }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return false; }
            }, up => up, TimeSpan.FromMinutes(3));
            Assert.True(healthy, "the AppHost did not come up: " + terminal.Screen);

            // A second AppHost on the same folder says so and leaves the first alone.
            using (var second = Start("dotnet", [AppHost, "--state-dir", state, "--gateway-port", Ports.Free().ToString(CultureInfo.InvariantCulture)]))
            {
                var (code, text) = await RunToEndAsync(second, TimeSpan.FromSeconds(60));
                Assert.Equal(1, code);
                Assert.Contains("Another AppHost", text, StringComparison.Ordinal);
            }

            Assert.True((await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health"))).IsSuccessStatusCode);
            var children = RecordedChildren(state);
            Assert.True(children.Count >= 8, $"only {children.Count} recorded processes");

            var clock = Stopwatch.StartNew();
            await terminal.CtrlCAsync();
            Assert.True(await terminal.WaitForExitAsync(TimeSpan.FromSeconds(30)),
                $"Still running 30 s after Ctrl+C. The terminal:\n{terminal.Screen}\nThe AppHost's log:\n{LogTail(state)}");
            var took = clock.Elapsed;
            output.WriteLine($"Ctrl+C to exit: {took.TotalSeconds:0.0} s");

            Assert.DoesNotContain(children, pid => Directory.Exists($"/proc/{pid}"));
            Assert.True(took < TimeSpan.FromSeconds(5), $"Ctrl+C took {took.TotalSeconds:0.0} s:\n{terminal.Screen}\n{LogTail(state)}");
            Assert.Contains("All resources stopped.", LogTail(state), StringComparison.Ordinal);
        }
        finally
        {
            try { StateFolder.Wipe(state); } catch (IOException) { }
        }
    }

    /// <summary>An operator who changes their mind while the network starts: Ctrl+C stops what was started, at once.</summary>
    [Fact]
    public async Task Ctrl_C_during_start_up_stops_what_was_started_within_5_seconds()
    {
        var state = Path.Combine(Path.GetTempPath(), "mensi-terminal-" + Guid.NewGuid().ToString("N")[..8]);
        using var terminal = new Terminal(AppHostCommand(state, Ports.Free()));
        try
        {
            // Part-way: the servers are up (recorded), the services not all healthy yet.
            var started = await Eventually.UntilAsync(() => Task.FromResult(RecordedChildren(state).Count), n => n >= 3, TimeSpan.FromMinutes(2));
            Assert.True(started >= 3, "nothing started: " + terminal.Screen);
            Assert.DoesNotContain("Every resource healthy", terminal.Screen, StringComparison.Ordinal);

            var clock = Stopwatch.StartNew();
            await terminal.CtrlCAsync();
            Assert.True(await terminal.WaitForExitAsync(TimeSpan.FromSeconds(30)), $"Still running 30 s after Ctrl+C:\n{terminal.Screen}\n{LogTail(state)}");
            var took = clock.Elapsed;
            output.WriteLine($"Ctrl+C during start-up to exit: {took.TotalSeconds:0.0} s");

            var children = RecordedChildren(state);
            Assert.True(took < TimeSpan.FromSeconds(5), $"Ctrl+C during start-up took {took.TotalSeconds:0.0} s:\n{LogTail(state)}");
            Assert.Empty(children); // each stopped child is forgotten
            Assert.Contains("Stopped during start-up", LogTail(state), StringComparison.Ordinal);
        }
        finally
        {
            try { StateFolder.Wipe(state); } catch (IOException) { }
        }
    }
}
