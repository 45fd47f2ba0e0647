using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Contracts.Clusters;
using MenSI.Testing;
using MenSI.Testing.Security;
using Xunit;

namespace MenSI.Community.Tests.Spaces;

[Collection(CommunityCollection.Name)]
public class ClusterSpaceTests(CommunityFixture fixture)
{
    [Fact]
    public async Task A_clusters_private_space_follows_its_membership_in_whatever_order_the_events_arrive()
    {
        var (cluster, mentor, mentee, outsider) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        // The join and a later leave of another school arrive before the cluster's formation; a stale join arrives last.
        await fixture.PublishAsync(new SchoolJoinedCluster(Guid.CreateVersion7(), DateTimeOffset.UtcNow, cluster, mentee, "mentee", 2));
        await fixture.PublishAsync(new SchoolLeftCluster(Guid.CreateVersion7(), DateTimeOffset.UtcNow, cluster, outsider, "removed", 4));
        await fixture.FormClusterAsync(cluster, mentor, "HR");
        await fixture.PublishAsync(new SchoolJoinedCluster(Guid.CreateVersion7(), DateTimeOffset.UtcNow, cluster, outsider, "mentee", 3));

        var space = await Eventually.UntilAsync(async () =>
        {
            using var response = await fixture.Admin.GetAsync($"/api/v1/community/spaces/{cluster}");
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : (JsonElement?)null;
        }, s => s is { } found && found.TryGetProperty("country", out var c) && c.GetString() == "HR" && found.GetProperty("memberSchoolIds").GetArrayLength() == 2,
            TimeSpan.FromSeconds(20)) ?? throw new TimeoutException("The cluster's space never had its country and two members.");
        Assert.Equal("cluster", space.GetProperty("kind").GetString());
        Assert.Equal(new[] { mentor, mentee }.Order(), space.GetProperty("memberSchoolIds").EnumerateArray().Select(e => e.GetGuid()).Order());

        using var menteeTeacher = await fixture.MemberAsync(mentee);
        using var outsiderTeacher = await fixture.MemberAsync(outsider);
        using var croatianMinistry = await fixture.ClientAsync(Persona.MinistryOfficer("HR"));
        using var hungarianMinistry = await fixture.ClientAsync(Persona.MinistryOfficer("HU"));
        await menteeTeacher.GetAsync($"/api/v1/community/spaces/{cluster}").OkAsync();
        await croatianMinistry.GetAsync($"/api/v1/community/spaces/{cluster}").OkAsync();
        foreach (var stranger in new[] { outsiderTeacher, hungarianMinistry })
        {
            using var hidden = await stranger.GetAsync($"/api/v1/community/spaces/{cluster}");
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
            var listed = await stranger.GetAsync("/api/v1/community/spaces?kind=cluster&pageSize=100").OkAsync();
            Assert.DoesNotContain(listed.GetProperty("items").EnumerateArray(), s => s.Id() == cluster);
        }

        // The mentee leaves: its people lose the space.
        await fixture.PublishAsync(new SchoolLeftCluster(Guid.CreateVersion7(), DateTimeOffset.UtcNow, cluster, mentee, "removed", 5));
        await Eventually.UntilAsync(() => menteeTeacher.GetAsync($"/api/v1/community/spaces/{cluster}"), r => r.StatusCode == HttpStatusCode.NotFound, TimeSpan.FromSeconds(20));
    }

    /// <summary>Cleared for a rebuild, the memberships come back from a replay of the same events (their original ids); the space's content never left.</summary>
    [Fact]
    public async Task A_clusters_space_is_rebuilt_by_replaying_its_events()
    {
        var (cluster, mentor, mentee) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        MenSI.Contracts.IIntegrationEvent[] history =
        [
            new ClusterFormed(Guid.CreateVersion7(), DateTimeOffset.UtcNow, cluster, "PT", mentor, "virtual", "school", "voluntary", 1),
            new SchoolJoinedCluster(Guid.CreateVersion7(), DateTimeOffset.UtcNow, cluster, mentee, "mentee", 2),
        ];
        foreach (var e in history) await fixture.PublishAsync(e);
        using var teacher = await fixture.MemberAsync(mentee);
        await Eventually.UntilAsync(() => teacher.GetAsync($"/api/v1/community/spaces/{cluster}"), r => r.IsSuccessStatusCode, TimeSpan.FromSeconds(20));
        var thread = (await teacher.StartThreadAsync(cluster, "Our plan", "Visits in March.")).GetProperty("thread").Id();

        using (var refused = await teacher.PostAsync("/api/v1/community/spaces/memberships/rebuild", null)) Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var cleared = await fixture.Admin.PostAsync("/api/v1/community/spaces/memberships/rebuild", null).OkAsync();
        Assert.True(cleared.GetProperty("membershipsCleared").GetInt32() >= 2);
        using (var gone = await teacher.GetAsync($"/api/v1/community/spaces/{cluster}")) Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);

        foreach (var e in history) await fixture.PublishAsync(e);
        await Eventually.UntilAsync(() => teacher.GetAsync($"/api/v1/community/spaces/{cluster}"), r => r.IsSuccessStatusCode, TimeSpan.FromSeconds(20));
        var space = await teacher.GetAsync($"/api/v1/community/spaces/{cluster}").OkAsync();
        Assert.Equal(new[] { mentor, mentee }.Order(), space.GetProperty("memberSchoolIds").EnumerateArray().Select(m => m.GetGuid()).Order());
        await teacher.GetAsync($"/api/v1/community/threads/{thread}").OkAsync();
    }

    [Fact]
    public async Task Open_spaces_are_opened_by_admins_and_country_spaces_by_their_ministry()
    {
        using var teacher = await fixture.MemberAsync();
        using var hungarianMinistry = await fixture.ClientAsync(Persona.MinistryOfficer("HU"));
        using (var refused = await hungarianMinistry.PostAsJsonAsync("/api/v1/community/spaces", new { kind = "country", name = "Portugal", country = "PT" }))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var hungary = await hungarianMinistry.OpenSpaceAsync("country", country: "HU");
        using (var notTeachers = await teacher.PostAsJsonAsync("/api/v1/community/spaces", new { kind = "public", name = "Mine" }))
            Assert.Equal(HttpStatusCode.Forbidden, notTeachers.StatusCode);
        using (var bad = await fixture.Admin.PostAsJsonAsync("/api/v1/community/spaces", new { kind = "cluster", name = "", country = "XX" }))
            Assert.Equal(["country", "kind", "name"], ProblemAssert.FieldErrors(await ProblemAssert.IsProblemAsync(bad, HttpStatusCode.BadRequest, "urn:mensi:problem:validation")).Order());
        var seen = await teacher.GetAsync($"/api/v1/community/spaces/{hungary}").OkAsync();
        Assert.False(seen.GetProperty("mayModerate").GetBoolean());
        Assert.True((await hungarianMinistry.GetAsync($"/api/v1/community/spaces/{hungary}").OkAsync()).GetProperty("mayModerate").GetBoolean());
    }
}
