using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Contracts.Registry;
using MenSI.Testing;
using MenSI.Testing.Security;
using Xunit;

namespace MenSI.Clusters.Tests.Reports;

/// <summary>
/// The effectiveness and cost report against figures computed by hand for a small known data set (in Malta, which no
/// other test uses, so the country filter isolates it).
/// </summary>
[Collection(ClustersCollection.Name)]
public class EffectivenessReportTests(ClustersFixture clusters)
{
    private const string Country = "MT";
    private static string Today => DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static SelfieScores Flat(int each) => new(each, each, each, each, each, each, each, each);

    private async Task AssessAsync(Guid school, string on, SelfieScores scores) =>
        await clusters.PublishAsync(new DigitalMaturityAssessed(Guid.CreateVersion7(), DateTimeOffset.UtcNow, school, Country, Guid.CreateVersion7(), DateOnly.Parse(on, CultureInfo.InvariantCulture), scores));

    private async Task LogAsync(Guid cluster, string type, decimal hours, (Guid, int)[] participants, decimal staffHours, decimal travel, decimal substitution, decimal materials, decimal other)
    {
        using var response = await clusters.Admin.PostAsJsonAsync($"/api/v1/clusters/{cluster}/activities", new
        {
            type, mode = "blended", heldOn = Today, durationHours = hours,
            participants = participants.Select(p => new { schoolId = p.Item1, staff = p.Item2 }),
            costs = new { staffHours, travelEuro = travel, substitutionEuro = substitution, materialsEuro = materials, otherEuro = other },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static async Task<Guid> ActiveAsync(HttpClient admin, Guid mentor, string approach, params Guid[] mentees)
    {
        var cluster = (await admin.FormAsync(mentor, approach)).Id();
        foreach (var mentee in mentees) await admin.AddMenteeAsync(cluster, mentee);
        await admin.ActivateAsync(cluster);
        return cluster;
    }

    [Fact]
    public async Task The_report_matches_figures_computed_by_hand()
    {
        var (m1, a1, a2) = (await clusters.SchoolAsync("mentor", Country), await clusters.SchoolAsync(country: Country), await clusters.SchoolAsync(country: Country));
        var (m2, b1) = (await clusters.SchoolAsync("mentor", Country), await clusters.SchoolAsync(country: Country));
        await AssessAsync(a1, "2025-01-15", Flat(2));
        await AssessAsync(a1, "2026-01-15", Flat(3));   // +1.0
        await AssessAsync(a2, "2026-02-01", Flat(4));   // one assessment: no change to measure
        await AssessAsync(b1, "2025-03-01", Flat(3));
        await AssessAsync(b1, "2026-03-01", new SelfieScores(2, 3, 2, 3, 2, 3, 2, 3)); // 3.0 -> 2.5: -0.5
        // Both assessments of each, not just the later: they may land in either order.
        await clusters.FactsAsync(b1, f => f.TryGetProperty("latestAssessedOn", out var d) && d.GetString() == "2026-03-01"
                                           && f.TryGetProperty("firstAssessedOn", out var e) && e.GetString() == "2025-03-01");
        await clusters.FactsAsync(a1, f => f.TryGetProperty("latestAssessedOn", out var d) && d.GetString() == "2026-01-15"
                                           && f.TryGetProperty("firstAssessedOn", out var e) && e.GetString() == "2025-01-15");
        await clusters.FactsAsync(a2, f => f.TryGetProperty("latestAssessedOn", out _));

        var a = await ActiveAsync(clusters.Admin, m1, "top-down", a1, a2);
        var b = await ActiveAsync(clusters.Admin, m2, "virtual", b1);
        // A: (2 + 4) staff x 3 h = 18 participant hours, 350.50 euro; (3 + 1) x 1.5 h = 6, 49.50 euro.
        await LogAsync(a, "workshop", 3m, [(m1, 2), (a1, 4)], 10m, 120.50m, 200m, 30m, 0m);
        await LogAsync(a, "online-meeting", 1.5m, [(a1, 3), (a2, 1)], 2m, 0m, 0m, 0m, 49.50m);
        // B: (1 + 9) x 2 h = 20 participant hours, 100 euro.
        await LogAsync(b, "webinar", 2m, [(m2, 1), (b1, 9)], 5m, 0m, 0m, 100m, 0m);

        using var ministry = await clusters.ClientAsync(Persona.MinistryOfficer(Country));
        var report = await ministry.GetFromJsonAsync<JsonElement>($"/api/v1/clusters/reports/effectiveness?groupBy=approach&country={Country}");
        var rows = report.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString()!);
        Assert.Equal(["top-down", "virtual"], rows.Keys.Order(StringComparer.Ordinal));

        //                                clusters activities  p-hours staff-h  cost     €/p-hour €/mentee mentees assessed change  avg     per 1000 €
        AssertRow(rows["top-down"],        1,       2,          24m,    12m,     400m,    16.67m,  200m,    2,      1,       1m,     1m,     2.5m);
        AssertRow(rows["virtual"],         1,       1,          20m,    5m,      100m,    5m,      100m,    1,      1,       -0.5m,  -0.5m,  -5m);
        AssertRow(report.GetProperty("total"), 2,   3,          44m,    17m,     500m,    11.36m,  166.67m, 3,      2,       0.5m,   0.25m,  1m);

        var perCluster = await ministry.GetFromJsonAsync<JsonElement>("/api/v1/clusters/reports/effectiveness?groupBy=cluster");
        Assert.Equal([a.ToString(), b.ToString()], perCluster.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("key").GetString()).Order(StringComparer.Ordinal));

        var csv = await ministry.GetStringAsync($"/api/v1/clusters/reports/effectiveness?groupBy=country&country={Country}&format=csv");
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("key,label,clusters,activities,participantHours,staffHours,costEuro,costPerParticipantHour,", lines[0], StringComparison.Ordinal);
        Assert.Equal("MT,MT,2,3,44,17,500,11.36,3,166.67,2,0.5,0.25,1", lines[1]);
        Assert.StartsWith("total,", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ministries_see_aggregates_network_wide_but_clusters_of_their_own_country_only()
    {
        using var croatia = await clusters.ClientAsync(Persona.MinistryOfficer("HR"));
        Assert.Equal(HttpStatusCode.OK, (await croatia.GetAsync($"/api/v1/clusters/reports/effectiveness?groupBy=approach&country={Country}")).StatusCode);
        await ProblemAssert.IsProblemAsync(await croatia.GetAsync($"/api/v1/clusters/reports/effectiveness?groupBy=cluster&country={Country}"),
            HttpStatusCode.Forbidden, "urn:mensi:problem:forbidden");
        using var coordinator = await clusters.ClientAsync(Persona.Coordinator(Guid.CreateVersion7()));
        Assert.Equal(HttpStatusCode.Forbidden, (await coordinator.GetAsync("/api/v1/clusters/reports/effectiveness")).StatusCode);
        var fields = ProblemAssert.FieldErrors(await ProblemAssert.IsProblemAsync(
            await clusters.Admin.GetAsync("/api/v1/clusters/reports/effectiveness?groupBy=school&format=pdf&country=XX"), HttpStatusCode.BadRequest, "urn:mensi:problem:validation"));
        Assert.Equal(["country", "format", "groupBy"], fields.Order(StringComparer.Ordinal));
    }

    private static void AssertRow(JsonElement row, int clusterCount, long activities, decimal participantHours, decimal staffHours, decimal cost,
        decimal costPerParticipantHour, decimal costPerMentee, long mentees, long assessed, decimal change, decimal averageChange, decimal effectPer1000)
    {
        Assert.Equal(
            (clusterCount, activities, participantHours, staffHours, cost, costPerParticipantHour, costPerMentee, mentees, assessed, change, averageChange, effectPer1000),
            (row.GetProperty("clusters").GetInt32(), row.GetProperty("activities").GetInt64(), row.GetProperty("participantHours").GetDecimal(),
             row.GetProperty("staffHours").GetDecimal(), row.GetProperty("costEuro").GetDecimal(), row.GetProperty("costPerParticipantHour").GetDecimal(),
             row.GetProperty("costPerMenteeSchool").GetDecimal(), row.GetProperty("menteeSchools").GetInt64(), row.GetProperty("menteesAssessed").GetInt64(),
             row.GetProperty("maturityChange").GetDecimal(), row.GetProperty("averageMaturityChange").GetDecimal(), row.GetProperty("effectPer1000Euro").GetDecimal()));
    }
}
