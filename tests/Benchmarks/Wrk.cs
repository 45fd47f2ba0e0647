using System.Diagnostics;
using System.Globalization;

namespace MenSI.Benchmarks;

public sealed record LoadResult(string Target, string Scenario, double RequestsPerSecond, double P50Ms, double P99Ms, double P999Ms, long Requests, long Errors);

/// <summary>Load from wrk (Debian's package), a real load generator in its own process; all traffic on 127.0.0.1.</summary>
public static class Wrk
{
    // wrk's own summary lacks p99.9 and non-2xx counts in a parseable form; this script prints both.
    private const string Script = """
        done = function(summary, latency, requests)
          io.write(string.format("RESULT %d %d %d %d %d %d\n",
            summary.requests, latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
            summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status,
            summary.duration))
        end
        """;

    /// <param name="bearerToken">Sent as <c>Authorization: Bearer</c> on every request, for endpoints that need a caller.</param>
    /// <param name="headers">More request headers, as <c>Name: value</c>.</param>
    public static async Task<LoadResult> RunAsync(string target, string scenario, string url, TimeSpan duration, int connections = 32, int threads = 2,
        string? bearerToken = null, IReadOnlyList<string>? headers = null)
    {
        var script = Path.Combine(Path.GetTempPath(), "mensi-wrk.lua");
        await File.WriteAllTextAsync(script, Script);
        var info = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-t", threads.ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture),
                     "-d", $"{(int)duration.TotalSeconds}s", "--timeout", "5s", "-s", script, url })
        {
            info.ArgumentList.Add(a);
        }

        foreach (var header in (bearerToken is null ? [] : new[] { $"Authorization: Bearer {bearerToken}" }).Concat(headers ?? []))
        {
            info.ArgumentList.Add("-H");
            info.ArgumentList.Add(header);
        }

        string output;
        using var process = Process.Start(info)!;
        try
        {
            output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
        }
        finally
        {
            File.Delete(script);
        }

        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal))
                   ?? throw new InvalidOperationException($"wrk printed no result: {output} {await process.StandardError.ReadToEndAsync()}");
        var f = line.Split(' ').Skip(1).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var seconds = f[5] / 1_000_000.0;
        return new LoadResult(target, scenario, f[0] / seconds, f[1] / 1000.0, f[2] / 1000.0, f[3] / 1000.0, f[0], f[4]);
    }
}
