using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Testing;
using MenSI.Testing.Security;
using Xunit;

namespace MenSI.Clusters.Tests.Clusters;

/// <summary>Forming, staffing, activating and ending clusters over HTTP with real tokens: every refusal names its rule.</summary>
[Collection(ClustersCollection.Name)]
public class ClusterLifecycleTests(ClustersFixture clusters)
{
    private static Task<JsonElement> RuleAsync(HttpResponseMessage response, HttpStatusCode status, string rule) =>
        ProblemAssert.IsProblemAsync(response, status, $"urn:mensi:problem:rule:{rule}");

    [Fact]
    public async Task A_cluster_forms_around_an_active_mentor_and_says_so_in_an_event()
    {
        var mentor = await clusters.SchoolAsync("mentor");
        using var ministry = await clusters.ClientAsync(Persona.MinistryOfficer("HU"));
        using var response = await ministry.PostAsJsonAsync("/api/v1/clusters", ClusterCalls.NewCluster(mentor, "bottom-up", "Budapesti klaszter"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var cluster = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("\"1\"", response.Headers.ETag!.Tag);
        Assert.Equal("forming", cluster.GetProperty("status").GetString());
        Assert.Equal("HU", cluster.GetProperty("country").GetString());
        Assert.Equal("bottom-up", cluster.GetProperty("approach").GetString());
        Assert.Equal("certification", cluster.GetProperty("incentives")[0].GetProperty("kind").GetString());
        var member = Assert.Single(cluster.GetProperty("members").EnumerateArray());
        Assert.Equal((mentor, "mentor"), (member.GetProperty("schoolId").GetGuid(), member.GetProperty("role").GetString()));
        var formed = Assert.Single(await clusters.OutboxAsync("ClusterFormed", cluster.Id()));
        Assert.Equal(mentor, formed.GetProperty("mentorSchoolId").GetGuid());
        Assert.Equal(1, formed.GetProperty("version").GetInt32());

        var read = await clusters.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/clusters/{cluster.Id()}");
        Assert.Equal("Budapesti klaszter", read.GetProperty("name").GetString());
        var listed = await clusters.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/clusters?schoolId={mentor}&status=forming");
        Assert.Equal(cluster.Id(), Assert.Single(listed.GetProperty("items").EnumerateArray()).Id());
    }

    [Fact]
    public async Task Forming_refuses_bad_fields_unknown_or_ineligible_mentors_and_other_countries()
    {
        using var invalid = await clusters.Admin.PostAsJsonAsync("/api/v1/clusters", new
        {
            name = "", approach = "sideways", initiation = "ministry", participation = "voluntary",
            incentives = new[] { new { kind = "funding", description = "", valueEuro = -5m } },
        });
        var problem = await ProblemAssert.IsProblemAsync(invalid, HttpStatusCode.BadRequest, "urn:mensi:problem:validation");
        Assert.Contains("approach", ProblemAssert.FieldErrors(problem));

        using var missing = await clusters.Admin.PostAsJsonAsync("/api/v1/clusters", new { name = "X", approach = "virtual", initiation = "school", participation = "compulsory",
            incentives = new[] { new { kind = "funding", description = "", valueEuro = -5m } } });
        var fields = ProblemAssert.FieldErrors(await ProblemAssert.IsProblemAsync(missing, HttpStatusCode.BadRequest, "urn:mensi:problem:validation"));
        Assert.Equal(["incentives[0].description", "incentives[0].valueEuro", "mentorSchoolId"], fields.Order(StringComparer.Ordinal));

        await RuleAsync(await clusters.Admin.PostAsJsonAsync("/api/v1/clusters", ClusterCalls.NewCluster(Guid.CreateVersion7())), HttpStatusCode.UnprocessableEntity, "school-unknown");
        await RuleAsync(await clusters.Admin.PostAsJsonAsync("/api/v1/clusters", ClusterCalls.NewCluster(await clusters.SchoolAsync("mentee"))), HttpStatusCode.Conflict, "mentor-must-have-mentor-role");
        await RuleAsync(await clusters.Admin.PostAsJsonAsync("/api/v1/clusters", ClusterCalls.NewCluster(await clusters.SchoolAsync("mentor", status: "suspended"))),
            HttpStatusCode.Conflict, "mentor-must-be-active");

        var mentor = await clusters.SchoolAsync("mentor");
        using var croatia = await clusters.ClientAsync(Persona.MinistryOfficer("HR"));
        await ProblemAssert.IsProblemAsync(await croatia.PostAsJsonAsync("/api/v1/clusters", ClusterCalls.NewCluster(mentor)), HttpStatusCode.Forbidden, "urn:mensi:problem:forbidden");
        using var coordinator = await clusters.ClientAsync(Persona.Coordinator(mentor));
        Assert.Equal(HttpStatusCode.Forbidden, (await coordinator.PostAsJsonAsync("/api/v1/clusters", ClusterCalls.NewCluster(mentor))).StatusCode);
    }

    [Fact]
    public async Task Mentees_join_within_the_rules()
    {
        var cluster = (await clusters.Admin.FormAsync(await clusters.SchoolAsync("mentor"))).Id();
        var path = $"/api/v1/clusters/{cluster}/mentees";
        var first = await clusters.SchoolAsync();

        Assert.Equal(HttpStatusCode.PreconditionRequired, (await clusters.Admin.ChangeAsync(HttpMethod.Post, path, new { schoolId = first }, ifMatch: "")).StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await clusters.Admin.ChangeAsync(HttpMethod.Post, path, new { schoolId = first }, ifMatch: "\"7\"")).StatusCode);
        var joined = await clusters.Admin.ChangeAsync(HttpMethod.Post, path, new { schoolId = first }, ifMatch: "\"1\"").OkAsync();
        Assert.Equal(2, joined.GetProperty("version").GetInt32());
        Assert.Equal(first, Assert.Single(await clusters.OutboxAsync("SchoolJoinedCluster", cluster)).GetProperty("schoolId").GetGuid());

        await RuleAsync(await clusters.Admin.ChangeAsync(HttpMethod.Post, path, new { schoolId = first }), HttpStatusCode.Conflict, "already-a-member");
        await RuleAsync(await clusters.Admin.ChangeAsync(HttpMethod.Post, path, new { schoolId = await clusters.SchoolAsync("none") }), HttpStatusCode.Conflict, "mentee-must-have-mentee-role");
        await RuleAsync(await clusters.Admin.ChangeAsync(HttpMethod.Post, path, new { schoolId = await clusters.SchoolAsync(status: "withdrawn") }), HttpStatusCode.Conflict, "mentee-must-be-active");
        await RuleAsync(await clusters.Admin.ChangeAsync(HttpMethod.Post, path, new { schoolId = await clusters.SchoolAsync(country: "HR") }), HttpStatusCode.Conflict, "cross-border-only-virtual");
        await RuleAsync(await clusters.Admin.ChangeAsync(HttpMethod.Post, path, new { schoolId = Guid.CreateVersion7() }), HttpStatusCode.UnprocessableEntity, "school-unknown");
        var fields = ProblemAssert.FieldErrors(await ProblemAssert.IsProblemAsync(await clusters.Admin.ChangeAsync(HttpMethod.Post, path, new { }), HttpStatusCode.BadRequest, "urn:mensi:problem:validation"));
        Assert.Equal(["schoolId"], fields);

        for (var i = 1; i < ClustersFixture.MaxMentees; i++) await clusters.Admin.AddMenteeAsync(cluster, await clusters.SchoolAsync());
        await RuleAsync(await clusters.Admin.ChangeAsync(HttpMethod.Post, path, new { schoolId = await clusters.SchoolAsync() }), HttpStatusCode.Conflict, "max-mentees");

        var removed = await clusters.Admin.ChangeAsync(HttpMethod.Delete, $"{path}/{first}").OkAsync();
        Assert.Equal(ClustersFixture.MaxMentees - 1, removed.GetProperty("members").EnumerateArray().Count(m => m.GetProperty("role").GetString() == "mentee" && !m.TryGetProperty("leftAt", out _)));
        Assert.Equal("removed", Assert.Single(await clusters.OutboxAsync("SchoolLeftCluster", cluster)).GetProperty("reason").GetString());
        var mentor = removed.GetProperty("mentorSchoolId").GetGuid();
        await RuleAsync(await clusters.Admin.ChangeAsync(HttpMethod.Delete, $"{path}/{mentor}"), HttpStatusCode.Conflict, "mentor-stays");
    }

    [Fact]
    public async Task A_virtual_cluster_crosses_borders()
    {
        var cluster = (await clusters.Admin.FormAsync(await clusters.SchoolAsync("mentor"), "virtual")).Id();
        var joined = await clusters.Admin.AddMenteeAsync(cluster, await clusters.SchoolAsync(country: "IT"));
        Assert.True(joined.GetProperty("crossBorder").GetBoolean());
        Assert.Equal("HU", joined.GetProperty("country").GetString());
    }

    [Fact]
    public async Task Activation_needs_a_mentee_that_is_in_no_other_active_cluster()
    {
        var mentor = await clusters.SchoolAsync("mentor");
        var mentee = await clusters.SchoolAsync();
        var first = (await clusters.Admin.FormAsync(mentor)).Id();
        var second = (await clusters.Admin.FormAsync(mentor)).Id();

        await RuleAsync(await clusters.Admin.ChangeAsync(HttpMethod.Post, $"/api/v1/clusters/{first}/activate"), HttpStatusCode.Conflict, "activation-needs-a-mentee");
        await clusters.Admin.AddMenteeAsync(first, mentee);
        await clusters.Admin.AddMenteeAsync(second, mentee); // forming clusters may both line it up
        var active = await clusters.Admin.ActivateAsync(first);
        Assert.Equal("active", active.GetProperty("status").GetString());
        Assert.Equal([mentee], Assert.Single(await clusters.OutboxAsync("ClusterActivated", first)).GetProperty("menteeSchoolIds").EnumerateArray().Select(e => e.GetGuid()));

        await RuleAsync(await clusters.Admin.ChangeAsync(HttpMethod.Post, $"/api/v1/clusters/{second}/activate"), HttpStatusCode.Conflict, "one-active-cluster-per-mentee");
        var third = (await clusters.Admin.FormAsync(mentor)).Id();
        await clusters.Admin.AddMenteeAsync(third, await clusters.SchoolAsync());
        await clusters.Admin.ActivateAsync(third);
        await RuleAsync(await clusters.Admin.ChangeAsync(HttpMethod.Post, $"/api/v1/clusters/{third}/mentees", new { schoolId = mentee }), HttpStatusCode.Conflict, "one-active-cluster-per-mentee");
        await RuleAsync(await clusters.Admin.ChangeAsync(HttpMethod.Post, $"/api/v1/clusters/{first}/activate"), HttpStatusCode.Conflict, "cluster-status-transitions");

        // Once the first cluster completes, the mentee is free for the second.
        var completed = await clusters.Admin.ChangeAsync(HttpMethod.Post, $"/api/v1/clusters/{first}/complete").OkAsync();
        Assert.Equal("completed", completed.GetProperty("status").GetString());
        Assert.Equal("completed", Assert.Single(await clusters.OutboxAsync("ClusterCompleted", first)).GetProperty("outcome").GetString());
        Assert.Equal("active", (await clusters.Admin.ActivateAsync(second)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Two_activations_racing_for_one_mentee_cannot_both_win()
    {
        var mentor = await clusters.SchoolAsync("mentor");
        var mentee = await clusters.SchoolAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            var id = (await clusters.Admin.FormAsync(mentor)).Id();
            await clusters.Admin.AddMenteeAsync(id, mentee);
            ids.Add(id);
        }

        var responses = await Task.WhenAll(ids.Select(id => clusters.Admin.ChangeAsync(HttpMethod.Post, $"/api/v1/clusters/{id}/activate")));
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK)) await RuleAsync(refused, HttpStatusCode.Conflict, "one-active-cluster-per-mentee");
    }

    [Fact]
    public async Task Dissolving_needs_a_reason_and_ends_the_cluster()
    {
        var cluster = (await clusters.Admin.FormAsync(await clusters.SchoolAsync("mentor"))).Id();
        var fields = ProblemAssert.FieldErrors(await ProblemAssert.IsProblemAsync(
            await clusters.Admin.ChangeAsync(HttpMethod.Post, $"/api/v1/clusters/{cluster}/dissolve", new { reason = " " }), HttpStatusCode.BadRequest, "urn:mensi:problem:validation"));
        Assert.Equal(["reason"], fields);
        await RuleAsync(await clusters.Admin.ChangeAsync(HttpMethod.Post, $"/api/v1/clusters/{cluster}/complete"), HttpStatusCode.Conflict, "cluster-status-transitions");

        var dissolved = await clusters.Admin.ChangeAsync(HttpMethod.Post, $"/api/v1/clusters/{cluster}/dissolve", new { reason = "The mentor school closed its ICT programme." }).OkAsync();
        Assert.Equal("dissolved", dissolved.GetProperty("status").GetString());
        Assert.Equal("The mentor school closed its ICT programme.", dissolved.GetProperty("endReason").GetString());
        Assert.Equal("dissolved", Assert.Single(await clusters.OutboxAsync("ClusterCompleted", cluster)).GetProperty("outcome").GetString());
        await RuleAsync(await clusters.Admin.ChangeAsync(HttpMethod.Post, $"/api/v1/clusters/{cluster}/mentees", new { schoolId = await clusters.SchoolAsync() }), HttpStatusCode.Conflict, "cluster-closed");
    }

    [Fact]
    public async Task Only_the_ministry_of_the_clusters_country_or_an_admin_changes_it()
    {
        var mentor = await clusters.SchoolAsync("mentor");
        var cluster = (await clusters.Admin.FormAsync(mentor)).Id();
        var mentee = await clusters.SchoolAsync();
        using var croatia = await clusters.ClientAsync(Persona.MinistryOfficer("HR"));
        using var coordinator = await clusters.ClientAsync(Persona.Coordinator(mentor));
        using var hungary = await clusters.ClientAsync(Persona.MinistryOfficer("HU"));

        Assert.Equal(HttpStatusCode.Forbidden, (await croatia.ChangeAsync(HttpMethod.Post, $"/api/v1/clusters/{cluster}/mentees", new { schoolId = mentee })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await coordinator.ChangeAsync(HttpMethod.Post, $"/api/v1/clusters/{cluster}/mentees", new { schoolId = mentee })).StatusCode);
        await hungary.AddMenteeAsync(cluster, mentee);
        Assert.Equal(HttpStatusCode.OK, (await croatia.GetAsync($"/api/v1/clusters/{cluster}")).StatusCode); // any member reads
        using var anonymous = await clusters.ClientAsync(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/v1/clusters/{cluster}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await hungary.ChangeAsync(HttpMethod.Post, $"/api/v1/clusters/{Guid.CreateVersion7()}/activate")).StatusCode);
    }
}
