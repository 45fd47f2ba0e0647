using System.Diagnostics;
using MenSI.Hosting;
using MenSI.ServiceDefaults.Security;
using Npgsql;
using static MenSI.Benchmarks.BenchmarkDocument;

namespace MenSI.Benchmarks;

/// <summary>
/// The community at scale: 1,000,000 posts in 100,000 threads across 500 spaces, written with SQL as the service
/// writes them (text in the network's languages, the search vectors computed by the database as for every post).
/// Search and a thread's first page through the gateway, one client and then 32; a member's unread counts over 50
/// spaces at the service.
/// </summary>
internal static class CommunityBenchmark
{
    public const int Posts = 1_000_000, Threads = 100_000, Spaces = 500, MemberSpaces = 50;
    private const double SearchTargetMs = 100, ThreadTargetMs = 50, UnreadTargetMs = 10;

    public static async Task<Section> RunAsync(DistributedApplication app, string stateDir)
    {
        var gateway = app.Get<ProjectResource>("gateway");
        var community = app.Get<ProjectResource>("community");
        var tokens = Minter.For(stateDir, gateway);
        var member = Guid.NewGuid();
        var clock = Stopwatch.StartNew();
        await SeedAsync(app.Get<PostgresDatabaseResource>("community-db").ConnectionString, member);
        var seeded = clock.Elapsed;
        Console.WriteLine(Invariant($"community seeded: {Posts} posts in {Threads} threads in {seeded.TotalSeconds:0.0} s"));

        var token = tokens.Mint(member, Roles.Teacher);
        var thread = SeededId("thread", 4242);
        var scenarios = new[]
        {
            ("search: a common word", "/api/v1/community/search?q=iskola", SearchTargetMs),
            ("search: a rare word", "/api/v1/community/search?q=w12345", SearchTargetMs),
            ("search: two words, one language", "/api/v1/community/search?q=mentoring%20observation&language=en", SearchTargetMs),
            ("search: a phrase", "/api/v1/community/search?q=%22digital%20competence%22", SearchTargetMs),
            ("thread: first page", $"/api/v1/community/threads/{thread}", ThreadTargetMs),
        };
        var results = new List<LoadResult>();
        foreach (var (scenario, path, _) in scenarios)
        {
            foreach (var (clients, threads) in new[] { (1, 1), (32, 2) })
            {
                var target = Invariant($"gateway, {clients} client{(clients == 1 ? "" : "s")}");
                await Wrk.RunAsync(target, scenario, gateway.HttpEndpoint + path, TimeSpan.FromSeconds(3), clients, threads, token);
                var result = await Wrk.RunAsync(target, scenario, gateway.HttpEndpoint + path, TimeSpan.FromSeconds(10), clients, threads, token);
                Console.WriteLine(Invariant($"{scenario,-34} {target,-18} {result.RequestsPerSecond,8:0} req/s  p50 {result.P50Ms,6:0.00} ms  p99 {result.P99Ms,7:0.00} ms  errors {result.Errors}"));
                results.Add(result);
            }
        }

        // The first read builds the 50 spaces' sets in Redis (2,000 posts each); then counts come from Redis alone.
        await Wrk.RunAsync("direct, 1 client", "unread counts (50 spaces)", community.HttpEndpoint + "/api/v1/community/me/unread", TimeSpan.FromSeconds(3), 1, 1, token);
        var unread = await Wrk.RunAsync("direct, 1 client", "unread counts (50 spaces)", community.HttpEndpoint + "/api/v1/community/me/unread", TimeSpan.FromSeconds(10), 1, 1, token);
        Console.WriteLine(Invariant($"unread counts {unread.RequestsPerSecond,8:0} req/s  p50 {unread.P50Ms,6:0.00} ms  p99 {unread.P99Ms,7:0.00} ms  errors {unread.Errors}"));

        bool Targeted(LoadResult r) => r.Target == "gateway, 1 client";
        var verdicts = string.Join("\n", scenarios.Select(s =>
        {
            var one = results.Single(r => r.Scenario == s.Item1 && Targeted(r));
            return Invariant($"- {s.Item1}: p99 {one.P99Ms:0.0} ms with one client, {(one.P99Ms < s.Item3 && one.Errors == 0 ? "under" : "**over**")} the {s.Item3:0} ms target.");
        }));
        return new Section("community", "Community: search and threads over 1,000,000 posts, unread counts", Invariant($"""
            {Posts:N0} posts in {Threads:N0} threads across {Spaces} open spaces, in Hungarian, English, Portuguese and Italian, written
            with SQL as the service writes them (the database computing every post's search vectors) and vacuumed, in {seeded.TotalSeconds:0} s. A
            teacher's token; each scenario with one client (the targets: search p99 under {SearchTargetMs:0} ms, a thread's first page
            under {ThreadTargetMs:0} ms, through the gateway) and then 32 (throughput; no verdict).

            {LoadTable(results, null)}
            {verdicts}

            **Unread counts.** A member who has read {MemberSpaces} spaces of 2,000 posts each asks for their unread counts, at the
            service, one client (target p99 under {UnreadTargetMs:0} ms):

            {LoadTable([unread], UnreadTargetMs)}
            p99 {unread.P99Ms:0.0} ms: {(unread.P99Ms < UnreadTargetMs && unread.Errors == 0 ? "under" : "**over**")} the target.
            """));
    }

    /// <summary>The id the seed gave row <paramref name="n"/>: PostgreSQL's <c>md5(kind || n)::uuid</c> (naming, not protection).</summary>
#pragma warning disable CA5351
    private static Guid SeededId(string kind, long n) =>
        Guid.ParseExact(Convert.ToHexString(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(Invariant($"{kind}{n}")))), "N");
#pragma warning restore CA5351

    private static async Task SeedAsync(string connectionString, Guid member)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var sql = Invariant($"""
            BEGIN;
            DROP INDEX ix_posts_search_simple; DROP INDEX ix_posts_search_stemmed;
            INSERT INTO spaces (id, kind, name, description, country, thread_count, created_at, last_activity_at)
            SELECT md5('space' || s)::uuid, CASE WHEN s % 5 = 0 THEN 'Public' ELSE 'Country' END, 'Space ' || s, 'Benchmark space',
                   CASE WHEN s % 5 = 0 THEN NULL ELSE (ARRAY['HU','PT','IT','HR'])[1 + s % 4] END, {Threads / Spaces}, now(), now()
            FROM generate_series(0, {Spaces - 1}) s;
            INSERT INTO threads (id, space_id, title, tags, language, author_id, created_at, last_post_at, post_count, hidden)
            SELECT md5('thread' || t)::uuid, md5('space' || (t % {Spaces}))::uuid, 'Thread ' || t, ARRAY['tag' || (t % 50)],
                   (ARRAY['hu','en','pt','it'])[1 + t % 4], md5('author' || (t % 5000))::uuid,
                   now() - interval '400 days' + t * interval '5 minutes', now(), {Posts / Threads}, false
            FROM generate_series(0, {Threads - 1}) t;
            -- Text from each language's common words (each in most posts of its language), and 8 of 20,000 rarer words (each in ~400 posts).
            WITH words(lang, w) AS (VALUES
                ('hu', ARRAY['iskola','iskolák','iskolában','tanár','tanárok','mentor','mentorálás','digitális','kompetencia','óra','megfigyelés','együttműködés','tanulás','diákok','értékelés','fejlesztés']),
                ('en', ARRAY['school','schools','teacher','teachers','mentor','mentoring','mentored','digital','competence','lesson','observation','observed','collaboration','learning','assessment','development']),
                ('pt', ARRAY['escola','escolas','professor','professores','mentor','mentoria','digital','competência','aula','observação','colaboração','aprendizagem','avaliação','desenvolvimento','alunos','plano']),
                ('it', ARRAY['scuola','scuole','insegnante','insegnanti','mentore','tutoraggio','digitale','competenza','lezione','osservazione','collaborazione','apprendimento','valutazione','sviluppo','studenti','piano']))
            INSERT INTO posts (id, thread_id, space_id, author_id, is_opening, markdown, html, search_text, language, hidden, created_at, revision)
            SELECT md5('post' || p)::uuid, md5('thread' || (p % {Threads}))::uuid, md5('space' || (p % {Threads} % {Spaces}))::uuid,
                   md5('author' || (p % 5000))::uuid, p < {Threads}, body, '<p>' || body || '</p>', body, lang, false,
                   now() - interval '400 days' + p * interval '30 seconds', 1
            FROM (SELECT p, words.lang, array_to_string(ARRAY(SELECT words.w[1 + ((p * 7 + g * 13 + p / 7 * g) % 16)] FROM generate_series(1, 10) g), ' ')
                             || ' ' || array_to_string(ARRAY(SELECT 'w' || ((p * 31 + g * 7919) % 20000) FROM generate_series(1, 8) g), ' ') AS body
                  FROM generate_series(0, {Posts - 1}) p JOIN words ON words.lang = (ARRAY['hu','en','pt','it'])[1 + (p % {Threads}) % 4]) x;
            CREATE INDEX ix_posts_search_simple ON posts USING gin (search_simple);
            CREATE INDEX ix_posts_search_stemmed ON posts USING gin (search_stemmed);
            -- A member who has read 50 spaces a month ago.
            INSERT INTO read_markers (member_id, space_id, read_at)
            SELECT '{member}'::uuid, md5('space' || (s * 10))::uuid, now() - interval '30 days' FROM generate_series(0, {MemberSpaces - 1}) s;
            COMMIT;
            """);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 1200 };
        await command.ExecuteNonQueryAsync();
        // What autovacuum does to a live database long before a million posts: statistics, and the visibility map that lets
        // index-only scans skip the heap. Left to autovacuum, it runs in the middle of the measurements instead.
        await using var vacuum = new NpgsqlCommand("VACUUM (ANALYZE) posts, threads, spaces, read_markers", connection) { CommandTimeout = 1200 };
        await vacuum.ExecuteNonQueryAsync();
    }
}
