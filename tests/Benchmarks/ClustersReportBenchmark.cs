using System.Diagnostics;
using System.Globalization;
using MenSI.Hosting;
using MenSI.Testing.Security;
using Npgsql;
using static MenSI.Benchmarks.BenchmarkDocument;

namespace MenSI.Benchmarks;

/// <summary>
/// The Clusters report at scale: the effectiveness and cost report with 5,000 clusters and 500,000 activities (target: p99
/// of the per-approach report under 200 ms). The data is written straight into the Clusters database with SQL, shaped
/// as the service writes it (clusters with their running totals, four mentees each with two self-assessments, 100
/// activities per cluster): logging half a million activities over HTTP would measure the write path for half an hour,
/// and the report reads what is stored, however it got there.
/// </summary>
internal static class ClustersReportBenchmark
{
    public const int Clusters = 5_000;
    public const int ActivitiesPerCluster = 100;
    private const int MenteesPerCluster = 4;

    private const double ReportTargetMs = 200;

    public static async Task<Section> RunAsync(DistributedApplication app)
    {
        var results = new List<LoadResult>();
        var clusters = app.Get<ProjectResource>("clusters");
        var gateway = app.Get<ProjectResource>("gateway");
        var clock = Stopwatch.StartNew();
        await SeedAsync(app.Get<PostgresDatabaseResource>("clusters-db").ConnectionString);
        Console.WriteLine(Invariant($"clusters seeded: {Clusters} clusters, {Clusters * ActivitiesPerCluster} activities in {clock.Elapsed.TotalSeconds:0.0} s"));

        using var tokens = new TokenClient(new Uri(gateway.HttpEndpoint));
        // The seeded HU ministry system: a ministry caller, as the report's users are.
        var token = (await tokens.ClientCredentialsAsync(IdentityHost.MachineClientId, IdentityHost.MachineClientSecret)).AccessToken;
        var scenarios = new[]
        {
            ("report per approach (network)", "/api/v1/clusters/reports/effectiveness?groupBy=approach"),
            ("report per country (network)", "/api/v1/clusters/reports/effectiveness?groupBy=country"),
            ("report per cluster (HU, CSV)", "/api/v1/clusters/reports/effectiveness?groupBy=cluster&country=HU&format=csv"),
        };
        foreach (var (scenario, path) in scenarios)
        {
            foreach (var (target, root) in new[] { ("direct", clusters.HttpEndpoint), ("gateway", gateway.HttpEndpoint) })
            {
                await Wrk.RunAsync(target, scenario, root + path, TimeSpan.FromSeconds(3), 1, 1, token);
                var result = await Wrk.RunAsync($"{target}, 1 client", scenario, root + path, TimeSpan.FromSeconds(10), 1, 1, token);
                Console.WriteLine(Invariant($"{scenario,-40} {target,-8} {result.RequestsPerSecond,8:0} req/s  p50 {result.P50Ms,6:0.00} ms  p99 {result.P99Ms,7:0.00} ms  errors {result.Errors}"));
                results.Add(result);
            }
        }

        var perApproach = results.Single(r => r.Scenario.StartsWith("report per approach", StringComparison.Ordinal) && r.Target.StartsWith("gateway", StringComparison.Ordinal));
        return new Section("clusters-report", "Scale: the Clusters report with 5,000 clusters and 500,000 activities", Invariant($"""
            {Clusters:N0} active clusters in six countries and four approaches, each with a mentor, {MenteesPerCluster} mentees (every school with
            two self-assessments) and {ActivitiesPerCluster} activities, written into the Clusters database with SQL as the service writes
            them (docs/clusters.md defines the figures). Called as the HU ministry system, one client at a time. Target: p99 of
            the per-approach report under {ReportTargetMs:0} ms through the gateway.

            {LoadTable(results, ReportTargetMs, r => r.Scenario.StartsWith("report per approach", StringComparison.Ordinal) && r.Target.StartsWith("gateway", StringComparison.Ordinal))}
            Per-approach report through the gateway: p99 {perApproach.P99Ms:0.0} ms, {(perApproach.P99Ms < ReportTargetMs ? "under" : "**over**")} the target.
            """));
    }

    private static async Task SeedAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var sql = Invariant($"""
            BEGIN;
            -- Mentors and mentees as the Registry's events leave them: active, with a role, and two self-assessments a year apart.
            INSERT INTO school_snapshots (school_id, country, name, role, status, membership_version, profile_version,
                first_assessment_id, first_assessed_on, first_maturity, latest_assessment_id, latest_assessed_on, latest_maturity, latest_scores, updated_at)
            SELECT md5('school' || s)::uuid, (ARRAY['BE','HR','CZ','HU','IT','PT'])[1 + s % 6], 'Bench school ' || s,
                   CASE WHEN s <= {Clusters} THEN 'Mentor' ELSE 'Mentee' END, 'Active', 3, 1,
                   md5('first' || s)::uuid, date '2025-01-15', 1.5 + (s % 20) / 10.0,
                   md5('latest' || s)::uuid, date '2026-01-15', 1.5 + (s % 20) / 10.0 + (s % 7 - 2) / 10.0, ARRAY[3,3,3,3,3,3,3,3], now()
            FROM generate_series(1, {Clusters * (1 + MenteesPerCluster)}) s;

            INSERT INTO clusters (id, name, country, cross_border, mentor_school_id, approach, initiation, participation, focus_themes,
                status, formed_on, activated_on, activity_count, participant_hours, staff_hours, cost_euro, updated_at, version)
            SELECT md5('cluster' || c)::uuid, 'Bench cluster ' || c, (ARRAY['BE','HR','CZ','HU','IT','PT'])[1 + c % 6], false,
                   md5('school' || c)::uuid, (ARRAY['TopDown','BottomUp','Virtual','Hybrid'])[1 + c % 4],
                   CASE WHEN c % 2 = 0 THEN 'Ministry' ELSE 'School' END, 'Voluntary', ARRAY['digital competence'],
                   'Active', date '2025-09-01', date '2025-09-15', 0, 0, 0, 0, now(), 2
            FROM generate_series(1, {Clusters}) c;

            INSERT INTO cluster_members (id, cluster_id, school_id, role, joined_at, flag, in_active_cluster)
            SELECT md5('member' || c || '-' || m)::uuid, md5('cluster' || c)::uuid,
                   md5('school' || CASE WHEN m = 0 THEN c ELSE {Clusters} + (c - 1) * {MenteesPerCluster} + m END)::uuid,
                   CASE WHEN m = 0 THEN 'Mentor' ELSE 'Mentee' END, timestamptz '2025-09-01', 'None', true
            FROM generate_series(1, {Clusters}) c, generate_series(0, {MenteesPerCluster}) m;

            INSERT INTO mentoring_activities (id, cluster_id, type, mode, held_on, duration_hours, participants, staff_hours, travel_euro,
                substitution_euro, materials_euro, other_euro, outcomes, evidence_links, staff_count, participant_hours, cost_euro, logged_by, logged_at)
            SELECT md5('activity' || a)::uuid, md5('cluster' || (1 + a % {Clusters}))::uuid,
                   (ARRAY['Workshop','SchoolVisit','JobShadowing','PeerObservation','OnlineMeeting','Webinar','CoTeaching','StudyVisit','ProfessionalLearningCommunity'])[1 + a % 9],
                   (ARRAY['OnSite','Online','Blended'])[1 + a % 3], date '2025-09-15' + (a % 400), 1 + a % 4,
                   jsonb_build_array(jsonb_build_object('SchoolId', md5('school' || (1 + a % {Clusters}))::uuid, 'Staff', 1 + a % 5)),
                   2 + a % 6, (a % 5) * 20, (a % 3) * 100, a % 50, 0, NULL, ARRAY[]::text[],
                   1 + a % 5, (1 + a % 5) * (1 + a % 4), (a % 5) * 20 + (a % 3) * 100 + a % 50, 'benchmark', now()
            FROM generate_series(1, {Clusters * ActivitiesPerCluster}) a;

            -- The running totals the service keeps with each activity.
            UPDATE clusters c SET activity_count = t.n, participant_hours = t.ph, staff_hours = t.sh, cost_euro = t.cost
            FROM (SELECT cluster_id, count(*) n, sum(participant_hours) ph, sum(staff_hours) sh, sum(cost_euro) cost
                  FROM mentoring_activities GROUP BY cluster_id) t
            WHERE t.cluster_id = c.id;
            COMMIT;
            ANALYZE;
            """);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }

}
