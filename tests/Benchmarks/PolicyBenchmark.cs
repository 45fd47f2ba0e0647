using System.Diagnostics;
using MenSI.Contracts;
using MenSI.Contracts.Clusters;
using MenSI.Contracts.Community;
using MenSI.Contracts.Courses;
using MenSI.Contracts.Registry;
using MenSI.Hosting;
using MenSI.ServiceDefaults.Security;
using MenSI.Testing;
using Npgsql;
using static MenSI.Benchmarks.BenchmarkDocument;

namespace MenSI.Benchmarks;

/// <summary>
/// Policy's catch-up and its indicators at a million events. Policy is stopped (its queues keep what arrives), a million
/// events of every kind it reads are published to their exchanges as the source services would publish them (each
/// confirmed by the broker), and
/// Policy is started into its empty read model: the rate is what its evidence log holds over the time it took, and its
/// resident memory is sampled as it goes. Then one country and approach's indicators, today and as of a past date,
/// through the gateway.
/// </summary>
internal static class PolicyBenchmark
{
    public const int Events = 1_000_000;
    private const double CatchUpTarget = 5_000, IndicatorTargetMs = 50;
    private static readonly string[] Countries = ["BE", "HR", "CZ", "HU", "IT", "PT"];
    private static readonly string[] Approaches = ["top-down", "bottom-up", "virtual", "hybrid"];
    private static readonly DateTimeOffset Start = DateTimeOffset.UtcNow.AddYears(-2);
    private const int EvidenceKinds = 15;

    public static async Task<Section> RunAsync(DistributedApplication app, string stateDir)
    {
        var policy = app.Get<ProjectResource>("policy");
        var gateway = app.Get<ProjectResource>("gateway");
        var database = app.Get<PostgresDatabaseResource>("policy-db").ConnectionString;
        await app.StopResourceAsync("policy");

        var clock = Stopwatch.StartNew();
        var kinds = new Dictionary<string, int>(StringComparer.Ordinal);
        await using (var publisher = await EventPublisher.ConnectAsync(app.Get<RabbitMqResource>("rabbitmq").ConnectionString))
        {
            await publisher.PublishAllAsync(Generate().Select(e =>
            {
                kinds[e.GetType().Name] = kinds.GetValueOrDefault(e.GetType().Name) + 1;
                return e;
            }));
        }

        var published = clock.Elapsed;
        var sent = kinds.Values.Sum();
        Console.WriteLine(Invariant($"policy: {sent} events published in {published.TotalSeconds:0} s"));

        await app.StartResourceAsync("policy");
        clock.Restart();
        var samples = new List<(double Fraction, long RssMb)>();
        long logged;
        do
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            logged = await CountAsync(database);
            samples.Add(((double)logged / Events, long.Parse(RssMb(policy.Pid), System.Globalization.CultureInfo.InvariantCulture)));
            Console.WriteLine(Invariant($"policy: {logged,9} events logged after {clock.Elapsed.TotalSeconds,5:0} s, RSS {samples[^1].RssMb} MB"));
        }
        while (logged < sent && clock.Elapsed < TimeSpan.FromMinutes(15));
        var caughtUp = clock.Elapsed;
        var rate = logged / caughtUp.TotalSeconds;
        // What autovacuum and the checkpointer do after a million inserts (statistics, the visibility map for index-only
        // scans, the dirty pages written out); left to them, they run in the middle of the indicator measurements instead.
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            foreach (var sql in new[] { "VACUUM (ANALYZE)", "CHECKPOINT" })
            {
                await using var maintenance = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
                await maintenance.ExecuteNonQueryAsync();
            }
        }

        var token = Minter.For(stateDir, gateway).Mint(Guid.NewGuid(), Roles.Teacher);
        var past = DateOnly.FromDateTime(DateTime.UtcNow.AddYears(-1)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var results = new List<LoadResult>();
        foreach (var (scenario, query) in new[] { ("HU, top-down, today", "country=HU&approach=top-down"), ($"HU, top-down, as of {past}", $"country=HU&approach=top-down&asOf={past}") })
        {
            var url = gateway.HttpEndpoint + "/api/v1/policy/indicators?" + query;
            await Wrk.RunAsync("gateway, 1 client", scenario, url, TimeSpan.FromSeconds(3), 1, 1, token);
            var result = await Wrk.RunAsync("gateway, 1 client", scenario, url, TimeSpan.FromSeconds(10), 1, 1, token);
            Console.WriteLine(Invariant($"policy indicators {scenario,-30} {result.RequestsPerSecond,6:0} req/s  p50 {result.P50Ms,6:0.00} ms  p99 {result.P99Ms,7:0.00} ms  errors {result.Errors}"));
            results.Add(result);
        }

        // Flat: the second half of the catch-up never holds more than a fifth above the first half's peak.
        var firstHalf = samples.Where(s => s.Fraction <= 0.5).Select(s => s.RssMb).DefaultIfEmpty(0).Max();
        var secondHalf = samples.Where(s => s.Fraction > 0.5).Select(s => s.RssMb).DefaultIfEmpty(0).Max();
        var flat = firstHalf > 0 && secondHalf <= firstHalf * 1.2;
        var progress = string.Join("\n", new[] { 0.25, 0.5, 0.75, 1.0 }.Select(f => samples.FirstOrDefault(s => s.Fraction >= f))
            .Where(s => s != default).Select(s => Invariant($"| {s.Fraction:P0} | {s.RssMb} MB |")));
        return new Section("policy", "Policy: catching up on 1,000,000 events, indicators", Invariant($"""
            Policy stopped, {sent:N0} events of {kinds.Count} of the {EvidenceKinds} kinds it reads were published to their exchanges in {published.TotalSeconds:0} s
            ({string.Join(", ", kinds.OrderByDescending(k => k.Value).Select(k => $"{k.Value:N0} {k.Key}"))}), as the source
            services publish them, over two years of `occurredAt`; then Policy was started into an empty read model.

            | events in the log | took | events/s | target | |
            | ---: | ---: | ---: | ---: | --- |
            | {logged:N0} | {caughtUp.TotalSeconds:0} s | {rate:0} | {CatchUpTarget:0} | {Verdict(rate >= CatchUpTarget && logged == sent && sent == Events)} |

            Policy's resident memory (VmRSS) as the log filled:

            | progress | VmRSS |
            | ---: | ---: |
            {progress}

            Memory {(flat ? "stayed flat" : "**grew**")}: the second half's peak {secondHalf} MB against the first half's {firstHalf} MB (flat: at most a fifth more).

            Indicators of one country and approach over that evidence (vacuumed, as autovacuum would have), through the gateway, one
            client (target p99 under {IndicatorTargetMs:0} ms):

            {LoadTable(results, IndicatorTargetMs)}
            """));
    }

    private static async Task<long> CountAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM evidence_log", connection);
        try
        {
            return (long)(await command.ExecuteScalarAsync())!;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0;
        }
    }

    /// <summary>
    /// A network of 12,000 schools and 2,400 clusters across the six MenSI countries and four approaches, then its flows:
    /// activities, self-assessments, enrolments, completions and community content, <see cref="Events"/> events in all.
    /// </summary>
    private static IEnumerable<IIntegrationEvent> Generate()
    {
        var n = 0;
        // Called once per event: n is also how many have been generated, which sizes the flows to make up the million.
        DateTimeOffset At() => Start.AddSeconds(n++ * (2 * 365.25 * 86_400 / Events));
        Guid Id() => Guid.CreateVersion7();
        var schools = new List<(Guid Id, string Country)>();
        for (var i = 0; i < 12_000; i++)
        {
            var country = Countries[i % Countries.Length];
            var school = (Id(), country);
            schools.Add(school);
            var role = i % 5 == 0 ? "mentor" : "mentee";
            yield return new SchoolRegistered(Id(), At(), school.Item1, country, "bench", i.ToString(System.Globalization.CultureInfo.InvariantCulture), "School " + i, role, "applicant", 1);
            yield return new SchoolStatusChanged(Id(), At(), school.Item1, country, "applicant", i % 40 == 0 ? "withdrawn" : "active", role, 2);
            if (i % 50 == 7) yield return new SchoolRoleAssigned(Id(), At(), school.Item1, country, role, "none", "active", 3);
        }

        var clusters = new List<(Guid Id, string Country, List<Guid> Mentees)>();
        for (var c = 0; c < 2_400; c++)
        {
            var mentor = schools[c * 5];
            var cluster = (Id: Id(), mentor.Country, Mentees: new List<Guid>());
            clusters.Add(cluster);
            yield return new ClusterFormed(Id(), At(), cluster.Id, mentor.Country, mentor.Id, Approaches[c / Countries.Length % Approaches.Length], "ministry", "voluntary", 1);
            for (var m = 1; m <= 4; m++)
            {
                cluster.Mentees.Add(schools[c * 5 + m].Id);
                yield return new SchoolJoinedCluster(Id(), At(), cluster.Id, schools[c * 5 + m].Id, "mentee", 1 + m);
            }

            if (c % 10 == 3) yield return new SchoolLeftCluster(Id(), At(), cluster.Id, cluster.Mentees[^1], "removed", 6);
            var activatedAt = At();
            yield return new ClusterActivated(Id(), activatedAt, cluster.Id, c % 10 == 3 ? cluster.Mentees[..^1] : cluster.Mentees, DateOnly.FromDateTime(activatedAt.UtcDateTime), 7);
            if (c % 4 != 0) continue;
            var completedAt = At();
            yield return new ClusterCompleted(Id(), completedAt, cluster.Id, "completed", DateOnly.FromDateTime(completedAt.UtcDateTime), 8);
        }

        foreach (var (cluster, country, mentees) in clusters)
        {
            foreach (var mentee in mentees)
            {
                yield return new DigitalMaturityAssessed(Id(), At(), mentee, country, Id(), new DateOnly(2025, 1, 15), new SelfieScores(2, 2, 3, 2, 3, 2, 2, 3));
                yield return new DigitalMaturityAssessed(Id(), At(), mentee, country, Id(), new DateOnly(2026, 1, 15), new SelfieScores(3, 3, 3, 3, 3, 3, 3, 3));
            }
        }

        var space = Id();
        var flows = Events - n;
        for (var i = 0; i < flows; i++)
        {
            var school = schools[i % schools.Count];
            var cluster = clusters[i % clusters.Count];
            yield return (i % 20) switch
            {
                < 9 => new MentoringActivityLogged(Id(), At(), Id(), cluster.Id, "workshop", "on-site", DateOnly.FromDateTime(DateTime.UtcNow), [cluster.Mentees[0]], 12, 4, 150),
                < 14 => new LearnerEnrolled(Id(), At(), Id(), Id(), Id(), school.Id, false),
                < 15 => new CourseCompleted(Id(), At(), Id(), Id(), Id(), school.Id, Id(), DateOnly.FromDateTime(DateTime.UtcNow)),
                15 => new ThreadStarted(Id(), At(), Id(), space, "country", school.Country, null, "en"),
                19 => new ResourceShared(Id(), At(), Id(), space, school.Country, "article", "CC-BY-4.0", "en", null),
                _ => new PostPublished(Id(), At(), Id(), Id(), space, school.Country, true),
            };
        }
    }
}
