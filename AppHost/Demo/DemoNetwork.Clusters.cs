using System.Net;
using System.Text.Json;
using MenSI.Contracts.Registry;

namespace MenSI.AppHost.Demo;

/// <summary>A cluster as the demo left it.</summary>
public sealed record DemoCluster(Guid Id, int Index, Guid Mentor, IReadOnlyList<Guid> Mentees, int Activities);

public sealed partial class DemoNetwork
{
    /// <summary>SELFIE rounds: before the school year's mentoring, and after it.</summary>
    private static readonly string[] AssessedOn = ["2025-10-15", "2026-06-15"];
    /// <summary>Of the eight SELFIE areas, how many a mentee improves by one point over the year, per approach (hybrid most, as MenSI found).</summary>
    private static readonly int[] AreasImprovedByApproach = [3, 5, 2, 6];
    private const int ActivitiesPerCluster = 6;

    /// <summary>
    /// The country's schools, imported as a ministry imports its national registry (an upsert by national id: the same
    /// file twice changes nothing), then each admitted with its role and self-assessed twice.
    /// </summary>
    private static async Task<IReadOnlyList<Guid>> SchoolsAsync(DemoApi officer, DemoCountry country, CancellationToken cancellationToken)
    {
        var rows = country.Schools.Select(school => new
        {
            nationalId = school.NationalId, name = school.Name, city = school.City, region = country.Region,
            educationLevels = school.Index % 5 is 1 or 4 ? new[] { "upper-secondary" } : ["primary", "lower-secondary"],
            pupils = 180 + school.Index * 23, teachers = 16 + school.Index, languages = new[] { country.Language },
        }).ToList();
        var report = (await officer.PostAsync($"/api/v1/schools/imports?country={country.Code}", rows, cancellationToken)).OrThrow($"Importing {country.Name}'s schools").Body;
        if (report.GetProperty("rejected").GetInt32() > 0) throw new InvalidOperationException($"{country.Name}'s import rejected rows: {report.GetProperty("errors").GetRawText()}");

        var registered = await AllAsync(officer, $"/api/v1/schools?country={country.Code}", cancellationToken);
        var byNationalId = registered.ToDictionary(s => s.GetProperty("nationalId").GetString()!, StringComparer.Ordinal);
        var ids = new Guid[DemoCountry.SchoolsPerCountry];
        await Parallel.ForEachAsync(country.Schools, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (school, cancellationToken) =>
        {
            var current = byNationalId[school.NationalId];
            var id = ids[school.Index] = current.GetProperty("id").GetGuid();
            // Admitted, given its role, then assessed: a school admitted only now has no self-assessment yet.
            var admittedNow = current.GetProperty("status").GetString() != "active";
            if (admittedNow)
            {
                (await officer.ChangeAsync(HttpMethod.Post, $"/api/v1/schools/{id}/status", new { status = "active", reason = "Admitted to the MenSI network." }, cancellationToken))
                    .OrThrow($"Admitting {school.Name}");
            }

            var role = school.IsMentor ? "mentor" : "mentee";
            if (current.GetProperty("networkRole").GetString() != role)
            {
                (await officer.ChangeAsync(HttpMethod.Post, $"/api/v1/schools/{id}/role", new { networkRole = role, reason = "Chosen by the ministry for the pilot." }, cancellationToken))
                    .OrThrow($"Giving {school.Name} its role");
            }

            var assessed = admittedNow ? [] : (await officer.GetAsync($"/api/v1/schools/{id}/self-assessments?pageSize=10", cancellationToken)).OrThrow("Reading self-assessments").Body
                .GetProperty("items").EnumerateArray().Select(a => a.GetProperty("assessedOn").GetString()).ToHashSet();
            for (var round = 0; round < AssessedOn.Length; round++)
            {
                if (assessed.Contains(AssessedOn[round])) continue;
                (await officer.PostAsync($"/api/v1/schools/{id}/self-assessments", new { assessedOn = AssessedOn[round], scores = Selfie(school, round) }, cancellationToken))
                    .OrThrow($"Recording {school.Name}'s self-assessment");
            }
        });

        return ids;
    }

    /// <summary>Mentors start strong and stay so; mentees start at 2 or 3 and gain a point in as many areas as their cluster's approach gives.</summary>
    private static Dictionary<string, int> Selfie(DemoSchool school, int round) =>
        SelfieScores.Areas.Select((area, i) =>
        {
            var start = school.IsMentor ? 4 : 2 + (school.Index + i) % 2;
            var gained = round == 1 && (school.IsMentor ? i % 4 == 0 : i < AreasImprovedByApproach[school.Cluster]) ? 1 : 0;
            return (area, score: Math.Min(5, start + gained));
        }).ToDictionary(a => a.area, a => a.score);

    /// <summary>The country's four clusters, one per approach: formed once Clusters has heard of the schools, joined, activated, with a year's activities.</summary>
    private static async Task<IReadOnlyList<DemoCluster>> ClustersAsync(DemoApi officer, DemoCountry country, IReadOnlyList<Guid> schools, CancellationToken cancellationToken)
    {
        var clusters = new List<DemoCluster>();
        for (var k = 0; k < DemoCountry.Clusters; k++)
        {
            var mentor = schools[k];
            var mentees = schools.Skip(DemoCountry.Clusters + k * DemoCountry.MenteesPerCluster).Take(DemoCountry.MenteesPerCluster).ToList();
            var existing = (await officer.GetAsync($"/api/v1/clusters?schoolId={mentor}&pageSize=10", cancellationToken)).OrThrow("Listing clusters").Body
                .GetProperty("items").EnumerateArray().FirstOrDefault(c => c.GetProperty("mentorSchoolId").GetGuid() == mentor);
            var approach = DemoCountry.Approaches[k];
            // Clusters learns of the mentor's role from the Registry's events: until then it refuses, naming the rule.
            var cluster = existing.ValueKind == JsonValueKind.Object ? existing : (await UntilAsync(() => officer.PostAsync("/api/v1/clusters", new
            {
                name = country.ClusterName(k), mentorSchoolId = mentor, approach, initiation = approach == "top-down" ? "ministry" : "school",
                participation = approach == "top-down" ? "compulsory" : "voluntary",
                focusThemes = new[] { "digital teaching and learning", k % 2 == 0 ? "assessment with digital tools" : "school leadership for digital change" },
                incentives = new[] { new { kind = "certification", description = "MenSI certificate for every participating teacher", valueEuro = (decimal?)null } },
            }, cancellationToken), a => a.Status is HttpStatusCode.Created, $"Forming {country.ClusterName(k)}", cancellationToken)).Body;
            var id = cluster.GetProperty("id").GetGuid();

            var members = cluster.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("schoolId").GetGuid()).ToHashSet();
            foreach (var mentee in mentees.Where(m => !members.Contains(m)))
            {
                await UntilAsync(() => officer.ChangeAsync(HttpMethod.Post, $"/api/v1/clusters/{id}/mentees", new { schoolId = mentee }, cancellationToken),
                    a => a.Ok, $"Adding a mentee to {country.ClusterName(k)}", cancellationToken);
            }

            if (cluster.GetProperty("status").GetString() == "forming")
            {
                (await officer.ChangeAsync(HttpMethod.Post, $"/api/v1/clusters/{id}/activate", null, cancellationToken)).OrThrow($"Activating {country.ClusterName(k)}");
            }

            var logged = (await officer.GetAsync($"/api/v1/clusters/{id}/activities?pageSize=1", cancellationToken)).OrThrow("Listing activities").Body.GetProperty("totalCount").GetInt32();
            for (var n = logged; n < ActivitiesPerCluster; n++)
            {
                (await officer.PostAsync($"/api/v1/clusters/{id}/activities", Activity(k, n, mentor, mentees, country), cancellationToken)).OrThrow($"Logging an activity of {country.ClusterName(k)}");
            }

            clusters.Add(new DemoCluster(id, k, mentor, mentees, Math.Max(logged, ActivitiesPerCluster)));
        }

        return clusters;
    }

    /// <summary>
    /// The n-th activity of a cluster, in the way its approach works: visits and workshops (top-down), observation and
    /// shadowing between schools (bottom-up), online meetings (virtual), both (hybrid). Costs follow the mode: travel and
    /// substitution on site, little online. All are dated today: a cluster's activities fall within its life, which
    /// starts when it is formed.
    /// </summary>
    private static object Activity(int approach, int n, Guid mentor, IReadOnlyList<Guid> mentees, DemoCountry country)
    {
        (string Type, string Mode)[][] kinds =
        [
            [("workshop", "on-site"), ("school-visit", "on-site")],
            [("peer-observation", "on-site"), ("job-shadowing", "on-site"), ("professional-learning-community", "blended")],
            [("online-meeting", "online"), ("webinar", "online")],
            [("co-teaching", "blended"), ("online-meeting", "online"), ("school-visit", "on-site")],
        ];
        var (type, mode) = kinds[approach][n % kinds[approach].Length];
        var mentee = mentees[n % mentees.Count];
        var staff = 3 + n % 4;
        var hours = mode == "online" ? 1.5m : 4m;
        // Wages and distances differ by country: the same visit costs more in Belgium than in Portugal.
        var scale = country.Code switch { "BE" => 1.3m, "IT" => 1.1m, "CZ" or "HU" => 0.8m, "HR" or "PT" => 0.75m, _ => 1m };
        return new
        {
            type, mode, heldOn = Today, durationHours = hours,
            participants = new[] { new { schoolId = mentor, staff = 2 }, new { schoolId = mentee, staff } },
            costs = new
            {
                staffHours = hours * (2 + staff),
                travelEuro = mode == "online" ? 0m : Math.Round(120m * scale, 2),
                substitutionEuro = mode == "online" ? 0m : Math.Round(45m * staff * scale, 2),
                materialsEuro = Math.Round((n % 3) * 25m * scale, 2),
                otherEuro = 0m,
            },
            outcomes = $"{type.Replace('-', ' ')} with {staff} teachers of the mentee school",
        };
    }
}
