using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Testing;
using MenSI.Testing.Security;
using Xunit;

namespace MenSI.Clusters.Tests.Activities;

/// <summary>Activities, the operational plan and the learning diary, written by the people who work in the cluster.</summary>
[Collection(ClustersCollection.Name)]
public class MentoringWorkTests(ClustersFixture clusters)
{
    private static string Today => DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd");

    private async Task<(Guid Cluster, Guid Mentor, Guid Mentee)> ActiveClusterAsync()
    {
        var mentor = await clusters.SchoolAsync("mentor");
        var mentee = await clusters.SchoolAsync();
        var cluster = (await clusters.Admin.FormAsync(mentor)).Id();
        await clusters.Admin.AddMenteeAsync(cluster, mentee);
        await clusters.Admin.ActivateAsync(cluster);
        return (cluster, mentor, mentee);
    }

    public static object Activity(string heldOn, params (Guid School, int Staff)[] participants) => new
    {
        type = "peer-observation", mode = "on-site", heldOn, durationHours = 2.5m,
        participants = participants.Select(p => new { schoolId = p.School, staff = p.Staff }),
        costs = new { staffHours = 6m, travelEuro = 84.20m, substitutionEuro = 150m, materialsEuro = 0m, otherEuro = 15.80m },
        outcomes = "Two lessons observed; feedback on formative assessment with tablets.",
        evidenceLinks = new[] { "https://blog.iskola.example.hu/2026/peer-observation" },
    };

    [Fact]
    public async Task A_coordinator_of_a_member_school_logs_an_activity_and_the_cluster_totals_follow()
    {
        var (cluster, mentor, mentee) = await ActiveClusterAsync();
        using var coordinator = await clusters.ClientAsync(Persona.Coordinator(mentee));
        using var response = await coordinator.PostAsJsonAsync($"/api/v1/clusters/{cluster}/activities", Activity(Today, (mentor, 2), (mentee, 5)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var activity = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(7, activity.GetProperty("staffCount").GetInt32());
        Assert.Equal(17.5m, activity.GetProperty("participantHours").GetDecimal());
        Assert.Equal(250m, activity.GetProperty("costEuro").GetDecimal());

        var totals = (await clusters.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/clusters/{cluster}")).GetProperty("activities");
        Assert.Equal((1, 17.5m, 6m, 250m), (totals.GetProperty("count").GetInt32(), totals.GetProperty("participantHours").GetDecimal(),
            totals.GetProperty("staffHours").GetDecimal(), totals.GetProperty("costEuro").GetDecimal()));
        var logged = Assert.Single(await clusters.OutboxAsync("MentoringActivityLogged", cluster));
        Assert.Equal(250m, logged.GetProperty("costEuro").GetDecimal());
        Assert.Equal("peer-observation", logged.GetProperty("type").GetString());

        var list = await coordinator.GetFromJsonAsync<JsonElement>($"/api/v1/clusters/{cluster}/activities?type=peer-observation");
        Assert.Equal(activity.Id(), Assert.Single(list.GetProperty("items").EnumerateArray()).Id());
    }

    [Fact]
    public async Task Activities_are_validated_against_their_fields_and_the_cluster()
    {
        var (cluster, _, mentee) = await ActiveClusterAsync();
        var path = $"/api/v1/clusters/{cluster}/activities";

        using var negative = await clusters.Admin.PostAsJsonAsync(path, new
        {
            type = "workshop", mode = "online", heldOn = Today, durationHours = 0,
            participants = new[] { new { schoolId = mentee, staff = 0 } },
            costs = new { staffHours = 1m, travelEuro = -10m, substitutionEuro = 0m, materialsEuro = 0m },
            evidenceLinks = new[] { "javascript:alert(1)" },
        });
        var fields = ProblemAssert.FieldErrors(await ProblemAssert.IsProblemAsync(negative, HttpStatusCode.BadRequest, "urn:mensi:problem:validation"));
        Assert.Equal(["costs.otherEuro", "costs.travelEuro", "durationHours", "evidenceLinks[0]", "participants[0].staff"], fields.Order(StringComparer.Ordinal));

        await ProblemAssert.IsProblemAsync(await clusters.Admin.PostAsJsonAsync(path, Activity(Today, (mentee, 3), (Guid.CreateVersion7(), 2))),
            HttpStatusCode.UnprocessableEntity, "urn:mensi:problem:rule:participants-must-be-members");
        await ProblemAssert.IsProblemAsync(await clusters.Admin.PostAsJsonAsync(path, Activity("2020-01-01", (mentee, 3))),
            HttpStatusCode.UnprocessableEntity, "urn:mensi:problem:rule:date-within-cluster-life");

        using var stranger = await clusters.ClientAsync(Persona.Coordinator(await clusters.SchoolAsync()));
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.PostAsJsonAsync(path, Activity(Today, (mentee, 3)))).StatusCode);
        using var teacher = await clusters.ClientAsync(Persona.Teacher);
        Assert.Equal(HttpStatusCode.Forbidden, (await teacher.PostAsJsonAsync(path, Activity(Today, (mentee, 3)))).StatusCode);

        // Nothing of the refused requests was written.
        var totals = (await clusters.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/clusters/{cluster}")).GetProperty("activities");
        Assert.Equal(0, totals.GetProperty("count").GetInt32());
        Assert.Empty(await clusters.OutboxAsync("MentoringActivityLogged", cluster));
    }

    [Fact]
    public async Task The_plan_holds_goals_per_mentee_with_milestones_and_progress()
    {
        var (cluster, mentor, mentee) = await ActiveClusterAsync();
        using var coordinator = await clusters.ClientAsync(Persona.Coordinator(mentor));
        var goal = new
        {
            schoolId = mentee, title = "Every class uses the learning platform weekly", selfieArea = "pedagogySupportsAndResources", pairedWithSchoolId = mentor,
            milestones = new object[]
            {
                new { title = "Platform chosen", dueOn = "2026-12-15", doneOn = "2026-11-20" },
                new { title = "Staff trained", dueOn = "2027-02-01" },
            },
        };
        using var created = await coordinator.PostAsJsonAsync($"/api/v1/clusters/{cluster}/plan/goals", goal);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var goalId = (await created.Content.ReadFromJsonAsync<JsonElement>()).Id();

        var plan = await coordinator.GetFromJsonAsync<JsonElement>($"/api/v1/clusters/{cluster}/plan");
        var school = Assert.Single(plan.GetProperty("schools").EnumerateArray());
        Assert.Equal((mentee, 50), (school.GetProperty("schoolId").GetGuid(), school.GetProperty("progressPercent").GetInt32()));

        var update = new
        {
            goal.schoolId, goal.title, goal.selfieArea, goal.pairedWithSchoolId,
            milestones = new object[] { new { title = "Platform chosen", dueOn = "2026-12-15", doneOn = "2026-11-20" }, new { title = "Staff trained", dueOn = "2027-02-01", doneOn = "2026-11-22" } },
        };
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await coordinator.ChangeAsync(HttpMethod.Put, $"/api/v1/clusters/{cluster}/plan/goals/{goalId}", update, "\"9\"")).StatusCode);
        var updated = await coordinator.ChangeAsync(HttpMethod.Put, $"/api/v1/clusters/{cluster}/plan/goals/{goalId}", update, "\"1\"").OkAsync();
        Assert.Equal(100, updated.GetProperty("progressPercent").GetInt32());

        await ProblemAssert.IsProblemAsync(await coordinator.PostAsJsonAsync($"/api/v1/clusters/{cluster}/plan/goals", new { schoolId = mentor, title = "Mentor goal" }),
            HttpStatusCode.UnprocessableEntity, "urn:mensi:problem:rule:goal-for-a-mentee");
        var fields = ProblemAssert.FieldErrors(await ProblemAssert.IsProblemAsync(
            await coordinator.PostAsJsonAsync($"/api/v1/clusters/{cluster}/plan/goals", new { schoolId = mentee, title = "", selfieArea = "football" }),
            HttpStatusCode.BadRequest, "urn:mensi:problem:validation"));
        Assert.Equal(["selfieArea", "title"], fields.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_diary_shows_public_entries_to_everyone_and_cluster_entries_to_its_people()
    {
        var (cluster, _, mentee) = await ActiveClusterAsync();
        using var coordinator = await clusters.ClientAsync(Persona.Coordinator(mentee));
        foreach (var visibility in new[] { "public", "cluster" })
        {
            using var written = await coordinator.PostAsJsonAsync($"/api/v1/clusters/{cluster}/diary",
                new { writtenOn = Today, title = $"First meeting ({visibility})", body = "We set our digital plans side by side.", visibility });
            Assert.Equal(HttpStatusCode.Created, written.StatusCode);
        }

        using var anonymous = await clusters.ClientAsync(null);
        var seen = await anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/clusters/{cluster}/diary");
        Assert.Equal(["public"], seen.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("visibility").GetString()));
        using var otherMinistry = await clusters.ClientAsync(Persona.MinistryOfficer("HR"));
        Assert.Equal(1, (await otherMinistry.GetFromJsonAsync<JsonElement>($"/api/v1/clusters/{cluster}/diary")).GetProperty("totalCount").GetInt32());
        Assert.Equal(2, (await coordinator.GetFromJsonAsync<JsonElement>($"/api/v1/clusters/{cluster}/diary")).GetProperty("totalCount").GetInt32());
        Assert.Equal(2, (await clusters.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/clusters/{cluster}/diary")).GetProperty("totalCount").GetInt32());

        var fields = ProblemAssert.FieldErrors(await ProblemAssert.IsProblemAsync(
            await coordinator.PostAsJsonAsync($"/api/v1/clusters/{cluster}/diary", new { writtenOn = "2031-01-01", title = "x", body = "" }),
            HttpStatusCode.BadRequest, "urn:mensi:problem:validation"));
        Assert.Equal(["body", "visibility", "writtenOn"], fields.Order(StringComparer.Ordinal));
    }
}
