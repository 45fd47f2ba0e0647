using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace MenSI.Hosting;

/// <summary>
/// Where a run keeps its data, logs and the PIDs of what it started. Kept between runs (unless a fresh start is
/// asked for); a run that was killed outright leaves its PID records behind, and the next run stops those first.
/// </summary>
public sealed class StateFolder
{
    public StateFolder(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(PidsDirectory);
        Directory.CreateDirectory(LogsDirectory);
    }

    public string Root { get; }
    public string PidsDirectory => Path.Combine(Root, "pids");
    public string LogsDirectory => Path.Combine(Root, "logs");

    public string Resource(string name)
    {
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(path);
        return path;
    }

    public static void Wipe(string root)
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    private sealed record PidRecord(int Pid, string Resource, long StartTicks);

    public void RecordPid(string resource, int pid) =>
        File.WriteAllText(Path.Combine(PidsDirectory, $"{resource}.{pid}.json"), JsonSerializer.Serialize(new PidRecord(pid, resource, ProcessStartTicks(pid))));

    public void ForgetPid(string resource, int pid) => File.Delete(Path.Combine(PidsDirectory, $"{resource}.{pid}.json"));

    /// <summary>
    /// Stops whatever an earlier run of this state folder left running: the PIDs it recorded, each checked against its
    /// start time, so a recycled PID is never hit. Nothing else: a process that merely names the folder (an editor, a
    /// tail of a log) is not ours. Returns what it stopped, for the operator to read.
    /// </summary>
    public IReadOnlyList<string> StopLeftovers()
    {
        var stopped = new List<string>();
        foreach (var file in Directory.GetFiles(PidsDirectory, "*.json"))
        {
            var record = JsonSerializer.Deserialize<PidRecord>(File.ReadAllText(file));
            if (record is not null && record.StartTicks != 0 && ProcessStartTicks(record.Pid) == record.StartTicks)
            {
                ManagedProcess.SendSignal(record.Pid, Signal.Kill);
                stopped.Add($"{record.Resource} (pid {record.Pid})");
            }

            File.Delete(file);
        }

        if (stopped.Count > 0) Thread.Sleep(500); // let the kernel release ports and files
        return stopped;
    }

    /// <summary>Processes whose command line contains <paramref name="text"/> (Linux /proc), of <paramref name="command"/> if given.</summary>
    public static IEnumerable<int> ProcessesNaming(string text, string? command = null)
    {
        var self = Environment.ProcessId;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == self) continue;
            string cmdline;
            try { cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' '); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            if (!cmdline.Contains(text, StringComparison.Ordinal)) continue;
            if (command is not null && ReadOrEmpty(Path.Combine(dir, "comm")).Trim() != command) continue;
            yield return pid;
        }
    }

    private static string ReadOrEmpty(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ""; }
    }

    /// <summary>Empties the folder but for <paramref name="keep"/> (the instance lock, held while it is emptied).</summary>
    public static void WipeContents(string root, string keep)
    {
        if (!Directory.Exists(root)) return;
        foreach (var dir in Directory.GetDirectories(root)) Directory.Delete(dir, recursive: true);
        foreach (var file in Directory.GetFiles(root).Where(f => Path.GetFileName(f) != keep)) File.Delete(file);
    }

    /// <summary>Field 22 of /proc/PID/stat: start time in clock ticks since boot; 0 when the process is gone.</summary>
    private static long ProcessStartTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[19], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }
}

public static class Ports
{
    // Below Linux's ephemeral range (32768-60999): the kernel never hands these to outgoing connections, which on a busy
    // machine (tests open thousands) could take a port between the moment it is chosen and the moment its server binds it.
    private const int FirstPort = 20_000, LastPort = 32_767;

    /// <summary>A port that was free on 127.0.0.1 a moment ago, chosen at random below the ephemeral range.</summary>
    public static int Free()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var port = Random.Shared.Next(FirstPort, LastPort + 1);
            if (IsFree(port)) return port;
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
