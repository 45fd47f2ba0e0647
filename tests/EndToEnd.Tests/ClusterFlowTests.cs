using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Contracts.Registry;
using MenSI.Testing;
using MenSI.Testing.Security;
using Xunit;

namespace MenSI.EndToEnd.Tests;

/// <summary>
/// Schools decided on in the Registry become cluster members in Clusters through the broker only, end to end through
/// the gateway with the whole graph running.
/// </summary>
[Collection(SharedGraph.Name)]
public class ClusterFlowTests(GraphFixture graph)
{
    private static int _nationalId = 400_000;
    private static readonly TimeSpan EventsArrive = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Registry_decisions_reach_clusters_the_report_adds_up_and_policy_evidence_agrees()
    {
        using var admin = graph.Client(await graph.Tokens.AdminTokenAsync());
        var mentor = await RegisterAsync(admin, "Mentor Általános Iskola");
        var mentee = await RegisterAsync(admin, "Mentee Általános Iskola");
        var leaver = await RegisterAsync(admin, "Kilépő Általános Iskola");

        // Clusters knows the mentor only as an applicant without a role: it refuses, naming the rule.
        await Eventually.UntilAsync(() => admin.GetAsync($"/api/v1/clusters/schools/{mentor}"), r => r.IsSuccessStatusCode, EventsArrive);
        await ProblemAssert.IsProblemAsync(await admin.PostAsJsonAsync("/api/v1/clusters", Cluster(mentor)), HttpStatusCode.Conflict,
            "urn:mensi:problem:rule:mentor-must-be-active");

        await admin.MakeMemberAsync(mentor, "mentor");
        await admin.MakeMemberAsync(mentee, "mentee");
        await admin.MakeMemberAsync(leaver, "mentee");
        await AssessAsync(admin, mentee, "2025-05-10", 2);
        await AssessAsync(admin, mentee, "2026-05-10", 3);

        // Once the Registry's events have arrived, the same request forms the cluster.
        using var formed = await Eventually.UntilAsync(() => admin.PostAsJsonAsync("/api/v1/clusters", Cluster(mentor)),
            r => r.StatusCode == HttpStatusCode.Created, EventsArrive);
        Assert.Equal(HttpStatusCode.Created, formed.StatusCode);
        var cluster = (await formed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        foreach (var school in new[] { mentee, leaver })
        {
            using var joined = await Eventually.UntilAsync(() => admin.SendJsonAsync(HttpMethod.Post, $"/api/v1/clusters/{cluster}/mentees", new { schoolId = school }, "*"),
                r => r.IsSuccessStatusCode, EventsArrive);
            Assert.Equal(HttpStatusCode.OK, joined.StatusCode);
        }

        // Withdrawn in the Registry: it leaves the forming cluster without anyone calling Clusters.
        using var withdrawn = await admin.SendJsonAsync(HttpMethod.Post, $"/api/v1/schools/{leaver}/status", new { status = "withdrawn", reason = "The school closes." }, "*");
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        var after = await Eventually.UntilAsync(() => admin.GetFromJsonAsync<JsonElement>($"/api/v1/clusters/{cluster}"),
            c => c.GetProperty("members").EnumerateArray().Any(m => m.GetProperty("schoolId").GetGuid() == leaver && m.TryGetProperty("leftAt", out _)), EventsArrive);
        Assert.Equal("school-withdrawn", after.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("schoolId").GetGuid() == leaver).GetProperty("flag").GetString());

        using var activated = await admin.SendJsonAsync(HttpMethod.Post, $"/api/v1/clusters/{cluster}/activate", null, "*");
        Assert.Equal(HttpStatusCode.OK, activated.StatusCode);
        using var coordinator = graph.Client(await graph.Tokens.TokenForAsync(Persona.Coordinator(mentee)));
        using var logged = await coordinator.PostAsJsonAsync($"/api/v1/clusters/{cluster}/activities", new
        {
            type = "school-visit", mode = "on-site", heldOn = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            durationHours = 4m, participants = new[] { new { schoolId = mentor, staff = 2 }, new { schoolId = mentee, staff = 6 } },
            costs = new { staffHours = 12m, travelEuro = 180m, substitutionEuro = 320m, materialsEuro = 0m, otherEuro = 0m },
        });
        Assert.Equal(HttpStatusCode.Created, logged.StatusCode);

        // By hand: 8 staff x 4 h = 32 participant hours; 500 euro; one mentee whose mean SELFIE score went 2 -> 3.
        using var ministry = graph.Client(await graph.Tokens.TokenForAsync(Persona.MinistryOfficer("HU")));
        var report = await ministry.GetFromJsonAsync<JsonElement>("/api/v1/clusters/reports/effectiveness?groupBy=cluster");
        var row = report.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("key").GetString() == cluster.ToString());
        Assert.Equal((32m, 500m, 15.63m, 1L, 500m, 1L, 1m, 2m), (row.GetProperty("participantHours").GetDecimal(), row.GetProperty("costEuro").GetDecimal(),
            row.GetProperty("costPerParticipantHour").GetDecimal(), row.GetProperty("menteeSchools").GetInt64(), row.GetProperty("costPerMenteeSchool").GetDecimal(),
            row.GetProperty("menteesAssessed").GetInt64(), row.GetProperty("maturityChange").GetDecimal(), row.GetProperty("effectPer1000Euro").GetDecimal()));

        // Policy, from the events alone, says what Clusters, the Registry and Courses say for the whole of HU; a new mentee in the
        // Registry shows in its indicators.
        var before = await PolicyAgreesWithTheSourcesAsync(ministry);
        await admin.MakeMemberAsync(await RegisterAsync(admin, "Új Általános Iskola"), "mentee");
        var grown = await Eventually.UntilAsync(() => PolicyFigureAsync(ministry, "schools.mentee.active"), n => n == before + 1, EventsArrive);
        Assert.Equal(before + 1, grown);
        await PolicyAgreesWithTheSourcesAsync(ministry);

        // The mentee's page in one call: its profile, and this cluster with its role in it.
        var overview = await coordinator.GetFromJsonAsync<JsonElement>($"/api/v1/overview/schools/{mentee}");
        Assert.Equal(0, overview.GetProperty("missing").GetArrayLength());
        Assert.Equal("Mentee Általános Iskola", overview.GetProperty("profile").GetProperty("name").GetString());
        var membership = overview.GetProperty("clusters").EnumerateArray().Single(c => c.GetProperty("id").GetGuid() == cluster);
        Assert.Equal(("mentee", "active"), (membership.GetProperty("role").GetString(), membership.GetProperty("status").GetString()));

        // The public diary is readable without signing in, through the gateway's anonymous diary route.
        using var anonymous = graph.Client();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/api/v1/clusters/{cluster}/diary")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/v1/clusters/{cluster}")).StatusCode);

        // Every event this caused (and any other test before it) keeps the published AsyncAPI contract.
        var checkedExchanges = await graph.WireKeepsTheContractAsync();
        Assert.Superset(new HashSet<string>(["mensi.registry.school-registered", "mensi.registry.school-role-assigned", "mensi.registry.school-status-changed",
            "mensi.registry.digital-maturity-assessed", "mensi.clusters.cluster-formed", "mensi.clusters.school-joined-cluster", "mensi.clusters.school-left-cluster",
            "mensi.clusters.cluster-activated", "mensi.clusters.mentoring-activity-logged"]), new HashSet<string>(checkedExchanges));
    }

    /// <summary>
    /// A cluster's private space in Community, from Clusters' events alone: it has the new mentee within a second of
    /// the event reaching a ministry system's own consumer, the mentee's coordinator posts there, and a plain AMQP
    /// consumer gets the community's events with ids and facts only, and the mentor's coordinator sees the post arrive live.
    /// </summary>
    [Fact]
    public async Task A_cluster_gets_its_private_community_space_within_a_second_and_its_posts_reach_ministry_systems()
    {
        using var admin = graph.Client(await graph.Tokens.AdminTokenAsync());
        var mentor = await RegisterAsync(admin, "Tér Általános Iskola");
        var mentee = await RegisterAsync(admin, "Fórum Általános Iskola");
        await admin.MakeMemberAsync(mentor, "mentor");
        await admin.MakeMemberAsync(mentee, "mentee");
        await using var ministry = await EventListener.StartAsync(graph.App.Get<MenSI.Hosting.RabbitMqResource>("rabbitmq").ConnectionString,
            "mensi.clusters.school-joined-cluster", "mensi.community.thread-started", "mensi.community.post-published");

        // The first cluster warms the path up (a fresh graph's first event pays for JIT and connections); the second is measured.
        var warmUpMentee = await RegisterAsync(admin, "Bemelegítő Általános Iskola");
        await admin.MakeMemberAsync(warmUpMentee, "mentee");
        await ClusterWithSpaceAsync(admin, ministry, mentor, warmUpMentee);
        var (cluster, lag) = await ClusterWithSpaceAsync(admin, ministry, mentor, mentee);
        Assert.True(lag < TimeSpan.FromSeconds(1), $"The cluster's space had its mentee {lag.TotalMilliseconds:0} ms after the event reached a plain consumer.");

        // The mentor's coordinator follows the cluster live through the gateway, as a browser's EventSource would.
        using var follower = graph.Client(await graph.Tokens.TokenForAsync(Persona.Coordinator(mentor)));
        using var live = await follower.GetAsync("/api/v1/community/live", HttpCompletionOption.ResponseHeadersRead);
        using var liveEvents = new StreamReader(await live.Content.ReadAsStreamAsync());
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.Equal("ready", (await liveEvents.NextEventAsync(patience.Token)).Type);

        using var coordinator = graph.Client(await graph.Tokens.TokenForAsync(Persona.Coordinator(mentee)));
        using var started = await coordinator.PostAsJsonAsync($"/api/v1/community/spaces/{cluster}/threads", new { title = "Első lépések", body = "Hogyan kezdjük?", language = "hu" });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var threadId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("thread").GetProperty("id").GetGuid();
        var threadEvent = (await ministry.WaitForAsync(e => e.Exchange == "mensi.community.thread-started" && e.Body.GetProperty("threadId").GetGuid() == threadId))[0];
        Assert.Equal((cluster, "cluster", "HU"), (threadEvent.Body.GetProperty("clusterId").GetGuid(), threadEvent.Body.GetProperty("spaceKind").GetString(),
            threadEvent.Body.GetProperty("country").GetString()));
        var postEvent = (await ministry.WaitForAsync(e => e.Exchange == "mensi.community.post-published" && e.Body.GetProperty("threadId").GetGuid() == threadId))[0];
        Assert.DoesNotContain("kezdjük", postEvent.Body.GetRawText(), StringComparison.Ordinal);
        (string Type, JsonElement Data) update;
        do update = await liveEvents.NextEventAsync(patience.Token);
        while (!update.Data.TryGetProperty("threadId", out var thread) || thread.GetGuid() != threadId);
        Assert.Equal(("post-published", cluster), (update.Type, update.Data.GetProperty("spaceId").GetGuid()));

        // Another school's coordinator does not see the cluster's space.
        using var stranger = graph.Client(await graph.Tokens.TokenForAsync(Persona.Coordinator(Guid.CreateVersion7())));
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/community/spaces/{cluster}")).StatusCode);

        var checkedExchanges = await graph.WireKeepsTheContractAsync();
        Assert.Contains("mensi.community.thread-started", checkedExchanges);
        Assert.Contains("mensi.community.post-published", checkedExchanges);
    }

    /// <summary>Forms a cluster with one mentee; returns it and how long after a plain consumer got the join its space had the mentee.</summary>
    private static async Task<(Guid Cluster, TimeSpan Lag)> ClusterWithSpaceAsync(HttpClient admin, EventListener ministry, Guid mentor, Guid mentee)
    {
        using var formed = await Eventually.UntilAsync(() => admin.PostAsJsonAsync("/api/v1/clusters", Cluster(mentor)), r => r.StatusCode == HttpStatusCode.Created, EventsArrive);
        var cluster = (await formed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        using (var joined = await Eventually.UntilAsync(() => admin.SendJsonAsync(HttpMethod.Post, $"/api/v1/clusters/{cluster}/mentees", new { schoolId = mentee }, "*"),
                   r => r.IsSuccessStatusCode, EventsArrive))
        {
            Assert.Equal(HttpStatusCode.OK, joined.StatusCode);
        }

        var joinEvent = (await ministry.WaitForAsync(e => e.Exchange == "mensi.clusters.school-joined-cluster" && e.Body.GetProperty("clusterId").GetGuid() == cluster))[0];
        var space = await Eventually.UntilAsync(async () =>
        {
            using var response = await admin.GetAsync($"/api/v1/community/spaces/{cluster}");
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : (JsonElement?)null;
        }, s => s is { } found && found.GetProperty("memberSchoolIds").EnumerateArray().Any(m => m.GetGuid() == mentee), EventsArrive);
        Assert.NotNull(space);
        return (cluster, DateTimeOffset.UtcNow - joinEvent.ReceivedAt);
    }

    private static object Cluster(Guid mentor) => new
    {
        name = "Pilis klaszter", mentorSchoolId = mentor, approach = "hybrid", initiation = "school", participation = "voluntary",
        focusThemes = new[] { "personalised collaborative learning" },
    };

    /// <summary>
    /// HU's figures as Clusters' report, the Registry's list and Courses' analytics give them, and as Policy's indicators give them, until
    /// they agree (events are in flight); returns the active mentee schools.
    /// </summary>
    private static async Task<decimal> PolicyAgreesWithTheSourcesAsync(HttpClient ministry)
    {
        async Task<(string Sources, string Policy, decimal Mentees)> BothAsync()
        {
            var report = (await ministry.GetFromJsonAsync<JsonElement>("/api/v1/clusters/reports/effectiveness?groupBy=country&country=HU")).GetProperty("rows")[0];
            var mentees = (await ministry.GetFromJsonAsync<JsonElement>("/api/v1/schools?country=HU&role=mentee&status=active&pageSize=1")).GetProperty("totalCount").GetDecimal();
            var (enrolments, completions) = await CoursesInHungaryAsync(ministry);
            var sources = string.Join(' ', new[] { "clusters", "activities", "participantHours", "staffHours", "costEuro", "menteeSchools", "menteesAssessed", "maturityChange" }
                .Select(f => report.GetProperty(f).GetDecimal().ToString("0.####", CultureInfo.InvariantCulture))
                .Concat(new[] { mentees, enrolments, completions }.Select(n => n.ToString(CultureInfo.InvariantCulture))));
            var figures = (await ministry.GetFromJsonAsync<JsonElement>("/api/v1/policy/indicators?country=HU")).GetProperty("figures");
            var policy = string.Join(' ', new[] { "clusters.total", "activities", "participantHours", "staffHours", "costEuro", "menteeSchools", "menteesAssessed", "maturityChange", "schools.mentee.active", "enrolments", "completions" }
                .Select(f => figures.GetProperty(f).GetDecimal().ToString("0.####", CultureInfo.InvariantCulture)));
            return (sources, policy, mentees);
        }

        var both = await Eventually.UntilAsync(BothAsync, b => b.Sources == b.Policy, EventsArrive);
        Assert.Equal(both.Sources, both.Policy);
        return both.Mentees;
    }

    /// <summary>Places taken and completions in HU over every course with learners (published or archived), as Courses' analytics count them.</summary>
    private static async Task<(decimal Enrolments, decimal Completions)> CoursesInHungaryAsync(HttpClient ministry)
    {
        decimal enrolments = 0, completions = 0;
        foreach (var status in new[] { "published", "archived" })
        {
            for (var page = 1; ; page++)
            {
                var courses = await ministry.GetFromJsonAsync<JsonElement>($"/api/v1/courses?status={status}&pageSize=100&page={page}");
                foreach (var course in courses.GetProperty("items").EnumerateArray())
                {
                    var analytics = await ministry.GetFromJsonAsync<JsonElement>($"/api/v1/courses/{course.GetProperty("id").GetGuid()}/analytics/countries?country=HU");
                    foreach (var row in analytics.GetProperty("rows").EnumerateArray().Where(r => r.TryGetProperty("country", out var c) && c.GetString() == "HU"))
                    {
                        enrolments += row.GetProperty("enrolments").GetDecimal();
                        completions += row.GetProperty("completions").GetDecimal();
                    }
                }

                if (page >= courses.GetProperty("totalPages").GetInt64()) break;
            }
        }

        return (enrolments, completions);
    }

    private static async Task<decimal> PolicyFigureAsync(HttpClient client, string figure) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/v1/policy/indicators?country=HU")).GetProperty("figures").GetProperty(figure).GetDecimal();

    private static async Task<Guid> RegisterAsync(HttpClient admin, string name)
    {
        using var response = await admin.PostAsJsonAsync("/api/v1/schools", new
        {
            country = "HU", nationalId = Interlocked.Increment(ref _nationalId).ToString(CultureInfo.InvariantCulture), name, educationLevels = new[] { "primary" },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static async Task AssessAsync(HttpClient admin, Guid school, string on, int each)
    {
        using var response = await admin.PostAsJsonAsync($"/api/v1/schools/{school}/self-assessments",
            new { assessedOn = on, scores = SelfieScores.Areas.ToDictionary(a => a, _ => each) });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
