using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Hosting;
using MenSI.Identity.Keys;
using MenSI.ServiceDefaults.Security;
using MenSI.Testing;
using MenSI.Testing.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using static MenSI.Benchmarks.BenchmarkDocument;

namespace MenSI.Benchmarks;

/// <summary>
/// The MOOC at scale, through the gateway: 2,000 enrolments at once for 1,000 places; the analytics (funnel and
/// per-country report) over 100,000 enrolments in 20 runs of a 10-module course; and credential verification.
/// Learners' access tokens are minted with Identity's own signing key from the AppHost's state folder (exactly what
/// Identity would issue them after a sign-in): 2,000 password sign-ins would measure Identity's password hashing, not
/// enrolment. The 100,000 enrolments are written with SQL as the service writes them, funnel counters included.
/// </summary>
internal static class CoursesBenchmark
{
    public const int Learners = 2_000, Places = 1_000;
    public const int Enrolments = 100_000, Runs = 20, Modules = 10;
    private const double AnalyticsTargetMs = 200, VerificationTargetMs = 20;

    public static async Task<Section> RunAsync(DistributedApplication app, string stateDir)
    {
        var gateway = app.Get<ProjectResource>("gateway");
        var courses = app.Get<ProjectResource>("courses");
        var tokens = Minter.For(stateDir, gateway);
        using var author = tokens.Client(gateway.HttpEndpoint, Roles.CourseManager);

        // 1. The burst: every learner's request in flight at once, straight at the service and through the gateway.
        var bursts = new List<BurstResult>();
        foreach (var (target, root) in new[] { ("direct", courses.HttpEndpoint), ("gateway", gateway.HttpEndpoint) })
        {
            var burst = await BurstAsync(target, root, author, tokens);
            Console.WriteLine(Invariant($"enrolment burst {target}: {burst.Enrolled} enrolled, {burst.Waiting} waiting, {burst.Failed} failed ({burst.Failures}), places taken {burst.PlacesTaken} in {burst.Seconds:0.00} s"));
            bursts.Add(burst);
        }

        // 2. Analytics over 100,000 enrolments.
        var big = await CreateCourseAsync(author, Modules);
        var runIds = new List<Guid>();
        for (var r = 0; r < Runs; r++) runIds.Add(await OpenRunAsync(author, big.Id, Enrolments / Runs));
        var clock = Stopwatch.StartNew();
        await SeedAsync(app.Get<PostgresDatabaseResource>("courses-db").ConnectionString, big, runIds);
        Console.WriteLine(Invariant($"courses seeded: {Enrolments} enrolments in {Runs} runs in {clock.Elapsed.TotalSeconds:0.0} s"));
        var results = new List<LoadResult>();
        var authorToken = tokens.Mint(Guid.NewGuid(), Roles.CourseManager);
        foreach (var (scenario, path) in new[]
                 {
                     ("funnel (whole course)", $"/api/v1/courses/{big.Id}/analytics"),
                     ("per-country report", $"/api/v1/courses/{big.Id}/analytics/countries"),
                     ("per-country report (CSV)", $"/api/v1/courses/{big.Id}/analytics/countries?format=csv"),
                 })
        {
            await Wrk.RunAsync("gateway", scenario, gateway.HttpEndpoint + path, TimeSpan.FromSeconds(3), 1, 1, authorToken);
            var result = await Wrk.RunAsync("gateway, 1 client", scenario, gateway.HttpEndpoint + path, TimeSpan.FromSeconds(10), 1, 1, authorToken);
            Console.WriteLine(Invariant($"{scenario,-30} {result.RequestsPerSecond,8:0} req/s  p50 {result.P50Ms,6:0.00} ms  p99 {result.P99Ms,7:0.00} ms  errors {result.Errors}"));
            results.Add(result);
        }

        // 3. Verifying a credential, anonymously, as an outside verifier calls the platform.
        var credential = await CompleteOnceAsync(gateway.HttpEndpoint, tokens, author);
        var verificationPath = $"/api/v1/badges/credentials/{credential}/verification";
        using (var anonymous = new HttpClient { BaseAddress = new Uri(gateway.HttpEndpoint) })
        {
            var answer = await anonymous.GetFromJsonAsync<JsonElement>(verificationPath);
            if (answer.GetProperty("status").GetString() != "valid") throw new InvalidOperationException($"The benchmark's credential does not verify: {answer}");
        }

        // One verifier at a time (the latency a verifier sees: the target's subject), then 8 at once (throughput, the cores saturated).
        var verification = new List<LoadResult>();
        foreach (var (clients, threads) in new[] { (1, 1), (8, 2) })
        {
            foreach (var (target, root) in new[] { ("direct", courses.HttpEndpoint), ("gateway", gateway.HttpEndpoint) })
            {
                await Wrk.RunAsync(target, "verify a credential", root + verificationPath, TimeSpan.FromSeconds(3), clients, threads);
                var result = await Wrk.RunAsync(Invariant($"{target}, {clients} client{(clients == 1 ? "" : "s")}"), "verify a credential", root + verificationPath,
                    TimeSpan.FromSeconds(10), clients, threads);
                Console.WriteLine(Invariant($"verify {result.Target,-18} {result.RequestsPerSecond,8:0} req/s  p50 {result.P50Ms,6:0.00} ms  p99 {result.P99Ms,7:0.00} ms  errors {result.Errors}"));
                verification.Add(result);
            }
        }

        var funnel = results[0];
        var countries = results[1];
        var viaGateway = verification.Single(r => r.Target == "gateway, 1 client");
        var gatewayBurst = bursts.Single(b => b.Target == "gateway");
        return new Section("courses", "Courses: an enrolment burst, analytics over 100,000 enrolments, credential verification", Invariant($"""
            **Enrolment burst.** {Learners:N0} teachers (each with their own access token, minted with Identity's signing key) send
            their enrolment for a run of {Places:N0} places at the same moment ({Learners:N0} requests in flight from one process, up
            to 512 connections): once straight at the Courses service, once through the gateway, each on a run of its own.

            | target | requests | enrolled | waiting | failed | places taken (the run's own count) | took | throughput | p50 ms | p99 ms | max ms | exactly the capacity, the rest waiting |
            | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |
            {string.Join("\n", bursts.Select(b => b.Row))}

            Through the gateway: {gatewayBurst.PlacesTaken} places taken of {Places}, {(gatewayBurst.Exact ? "exactly the capacity, with every other learner on the waiting list" : "**not** exactly the capacity with the rest waiting")}.

            **Analytics.** One course of {Modules} modules with {Runs} runs and {Enrolments:N0} enrolments (learners of 600 schools in six
            countries, fewer learners at each module of the funnel), written with SQL as the service writes them. A course manager,
            one client at a time. Target: p99 under {AnalyticsTargetMs:0} ms through the gateway.

            {LoadTable(results, AnalyticsTargetMs)}
            Funnel p99 {funnel.P99Ms:0.0} ms and per-country report p99 {countries.P99Ms:0.0} ms: {(funnel.P99Ms < AnalyticsTargetMs && countries.P99Ms < AnalyticsTargetMs ? "both under" : "**not both under**")} the target.

            **Credential verification.** `GET /api/v1/badges/credentials/ID/verification` anonymously (signature by the published
            key, digest, revocation, expiry): one verifier at a time, the latency a verifier sees and what the target is about
            (p99 under {VerificationTargetMs:0} ms through the gateway); then 8 at once, which saturates the two cores wrk shares with
            the servers (throughput; no verdict).

            {LoadTable(verification, VerificationTargetMs, r => r.Target == "gateway, 1 client")}
            One verifier through the gateway: p99 {viaGateway.P99Ms:0.0} ms, {(viaGateway.P99Ms < VerificationTargetMs && viaGateway.Errors == 0 ? "under" : "**over**")} the target.
            """));
    }

    private sealed record BurstResult(string Target, int Enrolled, int Waiting, int Failed, string Failures, int PlacesTaken, double Seconds, double[] Latencies)
    {
        public bool Exact => PlacesTaken == Places && Enrolled == Places && Waiting == Learners - Places && Failed == 0;

        public string Row => Invariant($"| {Target} | {Learners} | {Enrolled} | {Waiting} | {Failed} | {PlacesTaken} | {Seconds:0.00} s | {Learners / Seconds:0} req/s | {Percentile(Latencies, 50):0} | {Percentile(Latencies, 99):0} | {Latencies[^1]:0} | {(Exact ? "yes" : "**no**")} |");
    }

    /// <summary>A new run of <see cref="Places"/> places, and <see cref="Learners"/> learners' enrolments sent at once.</summary>
    private static async Task<BurstResult> BurstAsync(string target, string root, HttpClient author, Minter tokens)
    {
        var course = await CreateCourseAsync(author, 1);
        var run = await OpenRunAsync(author, course.Id, Places);
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 }) { BaseAddress = new Uri(root), Timeout = TimeSpan.FromMinutes(2) };
        var requests = Enumerable.Range(0, Learners).Select(_ => tokens.Mint(Guid.NewGuid(), Roles.Teacher)).ToList();
        var latencies = new double[Learners];
        var statuses = new string?[Learners];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(requests.Select(async (token, i) =>
        {
            var started = Stopwatch.GetTimestamp();
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/courses/{course.Id}/runs/{run}/enrolments") { Content = JsonContent.Create(new { badgeEmail = $"learner{i}@school.example.eu" }) };
            request.Headers.Authorization = new("Bearer", token);
            using var response = await client.SendAsync(request);
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            statuses[i] = response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString() : $"HTTP {(int)response.StatusCode}";
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        var runState = await author.GetFromJsonAsync<JsonElement>($"/api/v1/courses/{course.Id}/runs/{run}");
        Array.Sort(latencies);
        var failed = statuses.Where(s => s is not ("enrolled" or "waiting")).ToList();
        return new BurstResult(target, statuses.Count(s => s == "enrolled"), statuses.Count(s => s == "waiting"), failed.Count,
            string.Join(", ", failed.GroupBy(s => s).Select(g => $"{g.Count()} x {g.Key}")), Places - runState.GetProperty("placesLeft").GetInt32(), seconds, latencies);
    }

    private sealed record CreatedCourse(Guid Id, IReadOnlyList<Guid> ModuleIds, Guid FirstLesson);

    private static async Task<CreatedCourse> CreateCourseAsync(HttpClient author, int modules)
    {
        var created = await author.PostAsJsonAsync("/api/v1/courses", new
        {
            title = $"Benchmark course {Guid.NewGuid():N}"[..30], summary = "Measured.", language = "en", audience = "teachers", estimatedHours = 10m, licence = "CC-BY-4.0",
        }).OkAsync();
        var id = created.GetProperty("id").GetGuid();
        var outline = new
        {
            modules = Enumerable.Range(1, modules).Select(m => new
            {
                title = $"Module {m}",
                lessons = Enumerable.Range(1, 3).Select(l => new { title = $"Lesson {m}.{l}", kind = "reading", estimatedMinutes = 10, required = l == 1, reading = "Text." }).ToArray(),
            }).ToArray(),
        };
        var outlined = await author.SendJsonAsync(HttpMethod.Put, $"/api/v1/courses/{id}/outline", outline, "*").OkAsync();
        await author.SendJsonAsync(HttpMethod.Post, $"/api/v1/courses/{id}/publish", null, "*").OkAsync();
        var moduleIds = outlined.GetProperty("outline").GetProperty("modules").EnumerateArray().Select(m => m.GetProperty("id").GetGuid()).ToList();
        return new CreatedCourse(id, moduleIds, outlined.GetProperty("outline").GetProperty("modules")[0].GetProperty("lessons")[0].GetProperty("id").GetGuid());
    }

    private static async Task<Guid> OpenRunAsync(HttpClient author, Guid course, int capacity)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var run = (await author.PostAsJsonAsync($"/api/v1/courses/{course}/runs", new
        {
            language = "en", startsOn = today, endsOn = today.AddDays(60), enrolmentOpensOn = today.AddDays(-1), enrolmentClosesOn = today.AddDays(30), capacity,
        }).OkAsync()).GetProperty("id").GetGuid();
        await author.SendJsonAsync(HttpMethod.Post, $"/api/v1/courses/{course}/runs/{run}/publish", null, "*").OkAsync();
        return run;
    }

    /// <summary>One learner completes a one-module course (its one required reading): the credential to verify.</summary>
    private static async Task<Guid> CompleteOnceAsync(string gateway, Minter tokens, HttpClient author)
    {
        var course = await CreateCourseAsync(author, 1);
        var run = await OpenRunAsync(author, course.Id, 10);
        using var learner = tokens.Client(gateway, Roles.Teacher);
        var enrolment = (await learner.PostAsJsonAsync($"/api/v1/courses/{course.Id}/runs/{run}/enrolments", new { badgeEmail = "verify@school.example.eu" }).OkAsync())
            .GetProperty("id").GetGuid();
        await learner.SendJsonAsync(HttpMethod.Put, $"/api/v1/courses/enrolments/{enrolment}/lessons/{course.FirstLesson}", new { state = "completed" }, "*").OkAsync();
        return (await learner.GetAsync($"/api/v1/courses/enrolments/{enrolment}").OkAsync()).GetProperty("credentialId").GetGuid();
    }

    private static async Task SeedAsync(string connectionString, CreatedCourse course, IReadOnlyList<Guid> runs)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var runArray = "ARRAY[" + string.Join(",", runs.Select(r => $"'{r}'::uuid")) + "]";
        var moduleArray = "ARRAY[" + string.Join(",", course.ModuleIds.Select(m => $"'{m}'::uuid")) + "]";
        var sql = Invariant($"""
            BEGIN;
            INSERT INTO school_countries (school_id, country, version)
            SELECT md5('course-school' || s)::uuid, (ARRAY['BE','HR','CZ','HU','IT','PT'])[1 + s % 6], 1 FROM generate_series(1, 600) s
            ON CONFLICT DO NOTHING;
            -- Every enrolment held a place; one in five completed, one in ten withdrew, every second one was active lately.
            INSERT INTO enrolments (id, course_id, run_id, learner_id, school_id, status, requested_at, enrolled_at, completed_at, withdrawn_at, last_activity_at)
            SELECT md5('enrolment' || e)::uuid, '{course.Id}'::uuid, ({runArray})[1 + e % {Runs}], md5('learner' || e)::uuid, md5('course-school' || (1 + e % 600))::uuid,
                   CASE WHEN e % 5 = 0 THEN 'Completed' WHEN e % 10 = 1 THEN 'Withdrawn' ELSE 'Enrolled' END,
                   now() - interval '20 days', now() - interval '20 days',
                   CASE WHEN e % 5 = 0 THEN now() - interval '2 days' END, CASE WHEN e % 10 = 1 THEN now() - interval '5 days' END,
                   CASE WHEN e % 2 = 0 THEN now() - interval '1 day' END
            FROM generate_series(1, {Enrolments}) e;
            UPDATE course_runs SET taken = {Enrolments / Runs} WHERE id = ANY({runArray});
            -- The figures as the service counts them with each change: per run and school, then per run and country;
            -- the funnel with fewer learners at each module.
            INSERT INTO run_counts (run_id, school_key, enrolled, waiting, active, withdrawn, completed)
            SELECT run_id, school_id, count(*), 0, count(*) FILTER (WHERE status = 'Enrolled' AND last_activity_at IS NOT NULL),
                   count(*) FILTER (WHERE status = 'Withdrawn'), count(*) FILTER (WHERE status = 'Completed')
            FROM enrolments WHERE course_id = '{course.Id}'::uuid GROUP BY run_id, school_id;
            INSERT INTO module_counts (run_id, module_id, school_key, started, finished)
            SELECT ({runArray})[r], ({moduleArray})[m], md5('course-school' || s)::uuid, greatest(0, 9 - m), greatest(0, 8 - m)
            FROM generate_series(1, {Runs}) r, generate_series(1, {Modules}) m, generate_series(1, 600) s;
            INSERT INTO run_counts_by_country (run_id, country, enrolled, waiting, active, withdrawn, completed)
            SELECT r.run_id, s.country, sum(enrolled), sum(waiting), sum(active), sum(withdrawn), sum(completed)
            FROM run_counts r JOIN school_countries s ON s.school_id = r.school_key WHERE r.run_id = ANY({runArray}) GROUP BY 1, 2;
            INSERT INTO module_counts_by_country (run_id, module_id, country, started, finished)
            SELECT m.run_id, m.module_id, s.country, sum(started), sum(finished)
            FROM module_counts m JOIN school_countries s ON s.school_id = m.school_key WHERE m.run_id = ANY({runArray}) GROUP BY 1, 2, 3;
            COMMIT;
            ANALYZE;
            """);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }
}
