using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MenSI.Hosting;

namespace MenSI.Benchmarks;

/// <summary>One benchmark's part of docs/benchmarks.md: its title and what this run measured, nothing typed by hand.</summary>
internal sealed record Section(string Name, string Title, string Markdown);

/// <summary>
/// docs/benchmarks.md: one section per benchmark, each between markers and stamped with the run that measured it, so
/// <c>--only</c> can rewrite one section and leave the others (with their own stamps) as they were.
/// </summary>
internal static partial class BenchmarkDocument
{
    /// <summary>The benchmarks in the order the document lists them (and a full run runs them).</summary>
    public static readonly IReadOnlyList<string> Order = ["startup", "gateway", "pipeline", "replicas", "registry-scale", "clusters-report", "courses", "community", "policy", "demo"];

    public static async Task WriteAsync(string path, IReadOnlyList<Section> measured, TimeSpan took)
    {
        var existing = File.Exists(path) ? await File.ReadAllTextAsync(path) : "";
        var stamp = Invariant($"Measured {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC at commit {Git("rev-parse --short HEAD")}, in a run of {took.TotalMinutes:0.0} min ") +
                    Invariant($"({string.Join(", ", measured.Select(s => s.Name))}); {Environment.ProcessorCount} cores, {MemTotalGb():0.0} GiB, ") +
                    Invariant($"{System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, Release build.");
        var sb = new StringBuilder();
        sb.AppendLine("# Benchmarks");
        sb.AppendLine();
        sb.AppendLine("Written by `./bench.sh` (tests/Benchmarks); do not edit by hand. Each section is what one run measured, stamped with");
        sb.AppendLine("that run; `./bench.sh --only NAME` measures one benchmark alone and rewrites only its section. Load comes from wrk on");
        sb.AppendLine("127.0.0.1, sharing the machine's cores with the servers it measures.");
        var number = 0;
        foreach (var name in Order)
        {
            var section = measured.SingleOrDefault(s => s.Name == name);
            string? body = section is null ? Kept(existing, name) : Invariant($"## {{n}}. {section.Title}\n\n_{stamp}_\n\n{section.Markdown.TrimEnd()}\n");
            if (body is null) continue;
            sb.AppendLine();
            sb.AppendLine($"<!-- benchmark:{name} -->");
            sb.Append(NumberedHeading().Replace(body, _ => Invariant($"## {++number}. "), 1));
            sb.AppendLine($"<!-- /benchmark:{name} -->");
        }

        await File.WriteAllTextAsync(path, sb.ToString());
    }

    private static string? Kept(string document, string name)
    {
        var match = Regex.Match(document, $"<!-- benchmark:{Regex.Escape(name)} -->\n(.*?)<!-- /benchmark:{Regex.Escape(name)} -->", RegexOptions.Singleline);
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex(@"^## (\d+|\{n\})\. ", RegexOptions.Multiline)]
    private static partial Regex NumberedHeading();

    /// <summary>A /proc/PID/status memory figure in MB: VmRSS (now) or VmHWM (peak since the last reset).</summary>
    public static string RssMb(int? pid, string field = "VmRSS")
    {
        if (pid is null) return "-";
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return line is null ? "-" : (long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>User and system CPU of a resource's process and, for PostgreSQL, of its backends (its children) too.</summary>
    public static double CpuSeconds(ProcessResource resource) => resource.Pid is { } pid ? CpuSeconds(pid, withChildren: resource is PostgresServerResource) : 0;

    /// <summary>User + system CPU seconds of a process, and of its live children (PostgreSQL's backends, nginx's workers).</summary>
    public static double CpuSeconds(int pid, bool withChildren)
    {
        var pids = withChildren ? [pid, .. ChildrenOf(pid)] : new[] { pid };
        return pids.Sum(p => Stat(p) is { } fields ? (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0 : 0);
    }

    /// <summary>The fields of /proc/PID/stat after the command (which may hold spaces): state is [0], ppid [1], utime [11], stime [12].</summary>
    private static string[]? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException) { return null; }
    }

    private static IEnumerable<int> ChildrenOf(int parent) =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(n => n!.All(char.IsAsciiDigit)).Select(n => int.Parse(n!, CultureInfo.InvariantCulture))
            .Where(p => Stat(p) is { } fields && fields[1] == parent.ToString(CultureInfo.InvariantCulture));

    public static string MemoryRow(string when, params ProjectResource[] services) =>
        Invariant($"| {when} | {string.Join(" | ", services.Select(s => $"{s.Name} {RssMb(s.Pid)} MB"))} |");

    /// <summary>
    /// A load table: one row per result, with a verdict column when there is a p99 target, filled for the rows the
    /// target is about (<paramref name="targeted"/>; all by default) and "n/a" for the others.
    /// </summary>
    public static string LoadTable(IEnumerable<LoadResult> results, double? p99TargetMs = null, Func<LoadResult, bool>? targeted = null)
    {
        var sb = new StringBuilder();
        var verdict = p99TargetMs is { } t ? Invariant($" p99 < {t:0} ms |") : "";
        sb.AppendLine($"| scenario | target | req/s | p50 ms | p99 ms | p99.9 ms | requests | errors |{verdict}");
        sb.AppendLine($"| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |{(p99TargetMs is null ? "" : " --- |")}");
        foreach (var r in results)
        {
            var met = p99TargetMs is not { } target ? ""
                : targeted is not null && !targeted(r) ? " n/a |"
                : r.P99Ms < target && r.Errors == 0 ? " yes |" : " **no** |";
            sb.AppendLine(Invariant($"| {r.Scenario} | {r.Target} | {r.RequestsPerSecond:0} | {r.P50Ms:0.00} | {r.P99Ms:0.00} | {r.P999Ms:0.00} | {r.Requests} | {r.Errors} |{met}"));
        }

        return sb.ToString();
    }

    /// <summary>A target's verdict, the one wording every benchmark uses.</summary>
    public static string Verdict(bool met) => met ? "met" : "**not met**";

    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];

    private static double MemTotalGb() =>
        long.Parse(File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0 / 1024.0;

    private static string Git(string args)
    {
        try
        {
            var info = new ProcessStartInfo("git", args) { RedirectStandardOutput = true, WorkingDirectory = RepositoryRoot.Find() };
            using var process = Process.Start(info)!;
            return process.StandardOutput.ReadToEnd().Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
