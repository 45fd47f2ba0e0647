using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MenSI.Hosting;
using MenSI.ServiceDefaults.Security;
using MenSI.Testing;
using MenSI.Testing.Security;
using static MenSI.Benchmarks.BenchmarkDocument;

namespace MenSI.Benchmarks;

/// <summary>
/// How long a change takes to reach anonymous readers through the gateway's cache, for each cached group: a school
/// renamed, a course revised, a policy document's next version published. Each time the reader first reads the cached
/// answer, the change is made through the gateway (signed in), and the clock runs from the change's answer to the first
/// anonymous read that shows it.
/// </summary>
internal static class CacheStaleness
{
    private const int Times = 30;
    private const double TargetMs = 1000;

    public static async Task<string> MeasureAsync(string gateway, string stateDir, ProjectResource gatewayResource, Guid school)
    {
        var tokens = Minter.For(stateDir, gatewayResource);
        using var admin = tokens.Client(gateway, Roles.NetworkAdmin);
        using var reader = new HttpClient { BaseAddress = new Uri(gateway) };
        var rows = new StringBuilder();

        var schoolDelays = await DelaysAsync(reader, $"/api/v1/schools/{school}", i => admin.SendJsonAsync(HttpMethod.Put, $"/api/v1/schools/{school}",
            new { name = Name(i), educationLevels = new[] { "primary" } }, "*"), (read, i) => read.GetProperty("name").GetString() == Name(i));
        rows.AppendLine(Row("schools", "a school renamed", schoolDelays));

        var course = await admin.PostAsJsonAsync("/api/v1/courses", Course("Cached course")).OkAsync();
        var courseId = course.GetProperty("id").GetGuid();
        await admin.SendJsonAsync(HttpMethod.Put, $"/api/v1/courses/{courseId}/outline", new
        {
            modules = new[] { new { title = "Module 1", lessons = new[] { new { title = "Lesson 1", kind = "reading", estimatedMinutes = 10, required = true, reading = "Text." } } } },
        }, "*").OkAsync();
        await admin.SendJsonAsync(HttpMethod.Post, $"/api/v1/courses/{courseId}/publish", null, "*").OkAsync();
        var courseDelays = await DelaysAsync(reader, $"/api/v1/courses/{courseId}", i => admin.SendJsonAsync(HttpMethod.Put, $"/api/v1/courses/{courseId}", Course(Name(i)), "*"),
            (read, i) => read.GetProperty("title").GetString() == Name(i));
        rows.AppendLine(Row("courses", "a course revised", courseDelays));

        var document = (await admin.PostAsJsonAsync("/api/v1/policy/documents", new
        {
            kind = "guideline", content = new { title = "Cached guideline", body = "Version 1.", audience = new[] { "teachers" } },
        }).OkAsync()).GetProperty("id").GetGuid();
        var path = $"/api/v1/policy/documents/{document}";
        await admin.PostAsync($"{path}/submit", null).OkAsync();
        await admin.PostAsync($"{path}/publish", null).OkAsync();
        var policyDelays = await DelaysAsync(reader, path, async i =>
        {
            // The next version is drafted, submitted and published; only its publication changes what anyone reads.
            await admin.PostAsync($"{path}/versions", null).OkAsync();
            await admin.SendJsonAsync(HttpMethod.Put, $"{path}/draft", new { title = "Cached guideline", body = $"Version {i + 2}.", audience = new[] { "teachers" } }, "*").OkAsync();
            await admin.PostAsync($"{path}/submit", null).OkAsync();
            return await admin.PostAsync($"{path}/publish", null);
        }, (read, i) => read.GetProperty("version").GetProperty("number").GetInt32() == i + 2);
        rows.AppendLine(Row("policy", "a document's next version published", policyDelays));

        return Invariant($"""
            Staleness through the cache: {Times} times per group, the cached answer was read anonymously, the change made
            through the gateway (signed in), and the clock ran from the change's answer to the first anonymous read that
            showed it (target: within {TargetMs:0} ms, every time).

            | group | change | p50 | p99 | max | |
            | --- | --- | ---: | ---: | ---: | --- |
            {rows.ToString().TrimEnd()}
            """);
    }

    private static string Name(int i) => Invariant($"Iskola {i:000} (átnevezve)");

    private static object Course(string title) =>
        new { title, summary = "Measured.", language = "en", audience = "teachers", estimatedHours = 10m, licence = "CC-BY-4.0" };

    private static string Row(string group, string change, List<double> delays)
    {
        var sorted = delays.Order().ToArray();
        return Invariant($"| {group} | {change} | {Percentile(sorted, 50):0} ms | {Percentile(sorted, 99):0} ms | {sorted[^1]:0} ms | {Verdict(sorted[^1] < TargetMs)} |");
    }

    private static async Task<List<double>> DelaysAsync(HttpClient reader, string path, Func<int, Task<HttpResponseMessage>> change, Func<JsonElement, int, bool> shows)
    {
        var delays = new List<double>();
        for (var i = 0; i < Times; i++)
        {
            using (var cached = await reader.GetAsync(path)) cached.EnsureSuccessStatusCode();
            await change(i).OkAsync();
            var clock = Stopwatch.StartNew();
            while (!shows(await reader.GetFromJsonAsync<JsonElement>(path), i))
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(30)) throw new InvalidOperationException($"a change of {path} did not reach anonymous readers in 30 s");
                await Task.Delay(5);
            }

            delays.Add(clock.Elapsed.TotalMilliseconds);
        }

        return delays;
    }
}
