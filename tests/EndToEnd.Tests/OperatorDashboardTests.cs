using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Hosting;
using MenSI.Testing;
using MenSI.Testing.Security;
using Xunit;
using Xunit.Abstractions;

namespace MenSI.EndToEnd.Tests;

/// <summary>The AppHost started as an operator would for a demonstration: <c>--demo</c>, and its dashboard on.</summary>
public sealed class DemoGraphFixture() : GraphFixture(new Dictionary<string, string?>
{
    ["demo"] = "true",
    ["dashboard-port"] = Ports.Free().ToString(CultureInfo.InvariantCulture),
});

/// <summary>
/// What an operator sees: the demo network <c>--demo</c> seeds through the public API (and the <c>demo</c> command seeding
/// it again, changing nothing), and the dashboard in a real browser (Debian's Chromium, driven by Playwright): every
/// resource, a killed service coming back, a restart from the page, logs with search, and a failed message read and
/// moved back to its queue.
/// </summary>
public partial class OperatorDashboardTests(DemoGraphFixture graph, ITestOutputHelper output) : IClassFixture<DemoGraphFixture>
{
    /// <summary>How long seeding takes is the demo benchmark's to measure (<c>./bench.sh --only demo</c>), on a quiet machine.</summary>
    [Fact]
    public async Task The_demo_network_gives_every_report_figures_and_a_second_run_changes_nothing()
    {
        var ready = graph.App.Log.Recent("apphost", 0, "Demo network ready in", 1);
        var failure = graph.App.Log.Recent("apphost", 0, "After start-up", 1);
        Assert.True(ready.Count == 1, $"--demo did not finish: {(failure.Count > 0 ? failure[0].Text : "no word")}");
        output.WriteLine(ready[0].Text);

        using var admin = graph.Client(await graph.Tokens.AdminTokenAsync());
        var report = await admin.GetFromJsonAsync<JsonElement>("/api/v1/clusters/reports/effectiveness?groupBy=approach");
        var rows = report.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString()!);
        Assert.Equal(["bottom-up", "hybrid", "top-down", "virtual"], rows.Keys.Order(StringComparer.Ordinal));
        foreach (var (approach, row) in rows)
        {
            Assert.True((row.GetProperty("clusters").GetInt32(), row.GetProperty("menteeSchools").GetInt32(), row.GetProperty("menteesAssessed").GetInt32()) == (6, 24, 24),
                $"{approach}: {row.GetRawText()}");
            Assert.True(row.GetProperty("costEuro").GetDecimal() > 0 && row.GetProperty("maturityChange").GetDecimal() > 0, $"{approach}: {row.GetRawText()}");
        }

        // The approaches differ in what they cost and what they change, as the seeded activities and self-assessments make them.
        Assert.Equal(4, rows.Values.Select(r => r.GetProperty("effectPer1000Euro").GetDecimal()).Distinct().Count());
        Assert.Equal(6, (await admin.GetFromJsonAsync<JsonElement>("/api/v1/clusters/reports/effectiveness?groupBy=country")).GetProperty("rows").GetArrayLength());

        // The development coordinator's school exists now.
        using var tokens = new TokenClient(graph.Gateway);
        using var coordinator = graph.Client((await tokens.SignInAsync("coordinator@mensi.example", IdentityHost.SeedPassword)).AccessToken);
        var school = (await coordinator.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("schoolId").GetGuid();
        Assert.Equal("HU", (await coordinator.GetFromJsonAsync<JsonElement>($"/api/v1/schools/{school}")).GetProperty("country").GetString());

        // A recommendation citing a snapshot of Policy's evidence; a MOOC with MenSI's completion share (186 of 995).
        var recommendation = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/policy/documents?kind=recommendation&pageSize=100")).GetProperty("items")
            .EnumerateArray().Single(d => d.GetProperty("title").GetString()!.StartsWith("Mentoring clusters", StringComparison.Ordinal));
        var cited = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/policy/documents/{recommendation.GetProperty("id").GetGuid()}");
        Assert.Equal(1, cited.GetProperty("publishedVersion").GetInt32());
        Assert.Equal(1, cited.GetProperty("version").GetProperty("citations").GetArrayLength());
        var mooc = await MoocFiguresAsync(admin);
        Assert.Equal((48, 9), mooc);

        // Policy's evidence, from every service's events alone, agrees for each country.
        foreach (var country in new[] { "BE", "HR", "CZ", "HU", "IT", "PT" })
        {
            var figures = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/policy/indicators?country={country}")).GetProperty("figures");
            Assert.Equal((4m, 24m, 16m, 8m, 5m), (figures.GetProperty("clusters.total").GetDecimal(), figures.GetProperty("activities").GetDecimal(),
                figures.GetProperty("menteesAssessed").GetDecimal(), figures.GetProperty("enrolments").GetDecimal(), figures.GetProperty("threads").GetDecimal()));
            Assert.True(figures.GetProperty("costEuro").GetDecimal() > 0 && figures.GetProperty("maturityChange").GetDecimal() > 0, $"{country}: {figures.GetRawText()}");
        }

        var before = await FiguresAsync(admin);
        var eventsBefore = graph.Wire.Received.Count;
        var second = await DemoCommandAsync();
        output.WriteLine(second);
        await Task.Delay(TimeSpan.FromSeconds(2)); // an event the second run caused would be on the wire by now
        Assert.Equal(before, await FiguresAsync(admin));
        Assert.Equal(eventsBefore, graph.Wire.Received.Count);
        Assert.Contains("Demo network ready in", second, StringComparison.Ordinal);
    }

    /// <summary>Counts that any write of the demo would change.</summary>
    private static async Task<string> FiguresAsync(HttpClient admin)
    {
        async Task<long> Total(string path) => (await admin.GetFromJsonAsync<JsonElement>(path)).GetProperty("totalCount").GetInt64();
        var spaces = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/community/spaces?pageSize=100")).GetProperty("items").EnumerateArray().ToList();
        var countries = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/clusters/reports/effectiveness?groupBy=country")).GetProperty("rows").EnumerateArray()
            .Select(r => $"{r.GetProperty("key").GetString()}:{r.GetProperty("activities").GetInt32()}:{r.GetProperty("costEuro").GetDecimal()}:{r.GetProperty("maturityChange").GetDecimal()}");
        return string.Join(' ', new object[]
        {
            await Total("/api/v1/schools?pageSize=1"), await Total("/api/v1/clusters?pageSize=1"), await Total("/api/v1/users?pageSize=1"),
            await Total("/api/v1/courses?pageSize=1"), await Total("/api/v1/policy/snapshots?pageSize=1"), await Total("/api/v1/policy/documents?pageSize=1"),
            spaces.Count, spaces.Sum(s => s.GetProperty("threadCount").GetInt32()), await MoocFiguresAsync(admin), string.Join(',', countries),
        });
    }

    private static async Task<(int Enrolments, int Completions)> MoocFiguresAsync(HttpClient admin)
    {
        var course = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/courses?status=published&pageSize=100")).GetProperty("items").EnumerateArray()
            .Single(c => c.GetProperty("title").GetString()!.StartsWith("Beyond Networking", StringComparison.Ordinal));
        var total = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/courses/{course.GetProperty("id").GetGuid()}/analytics")).GetProperty("rows")[0];
        return (total.GetProperty("enrolments").GetInt32(), total.GetProperty("completions").GetInt32());
    }

    /// <summary><c>demo</c> as an operator runs it against the running network, in its own process; its output.</summary>
    private async Task<string> DemoCommandAsync()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { typeof(Program).Assembly.Location, "demo", "--gateway-url", graph.Gateway.ToString(), "--state-dir", graph.App.State.Root },
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try { await process.WaitForExitAsync(patience.Token); }
        finally { if (!process.HasExited) process.Kill(entireProcessTree: true); }
        Assert.True(process.ExitCode == 0, $"demo exited {process.ExitCode}: {await stderr}\n{await stdout}");
        return await stdout;
    }

}
