using System.Net.Http.Json;
using MenSI.Testing;
using Xunit;

namespace MenSI.Community.Tests.Spaces;

[Collection(CommunityCollection.Name)]
public class ActivityAndLiveTests(CommunityFixture fixture)
{
    [Fact]
    public async Task A_spaces_feed_lists_what_happened_newest_first_page_by_page_without_hidden_content()
    {
        var space = await fixture.Admin.OpenSpaceAsync();
        using var admin = await fixture.MemberAsync(role: "network-admin");
        using var member = await fixture.MemberAsync();
        var thread = (await admin.StartThreadAsync(space, "Welcome", "Introduce your school.")).GetProperty("thread").Id();
        var reply = await member.PostAsJsonAsync($"/api/v1/community/threads/{thread}/posts", new { body = "Hello from Porto." }).OkAsync();
        var hiddenReply = await member.PostAsJsonAsync($"/api/v1/community/threads/{thread}/posts", new { body = "Off topic." }).OkAsync();
        await fixture.Admin.PostAsJsonAsync($"/api/v1/community/posts/{hiddenReply.Id()}/hide", new { reason = "Off topic" }).OkAsync();
        var resource = await fixture.Admin.PostAsJsonAsync($"/api/v1/community/spaces/{space}/resources",
            new { title = "SELFIE guide", url = "https://example.org/guide", type = "article", licence = "CC-BY-4.0", language = "en" }).OkAsync();
        var webinar = await fixture.Admin.PostAsJsonAsync($"/api/v1/community/spaces/{space}/webinars",
            new { title = "Kick-off", startsAt = $"{DateTime.UtcNow.Year + 1}-01-20T16:00:00", timeZone = "Europe/Rome", durationMinutes = 60, capacity = 30 }).OkAsync();

        var seen = new List<(string Kind, Guid Id)>();
        string? before = null;
        do
        {
            var page = await member.GetAsync($"/api/v1/community/spaces/{space}/activity?limit=2{(before is null ? "" : "&before=" + before)}").OkAsync();
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => (i.GetProperty("kind").GetString()!, i.GetProperty("subjectId").GetGuid())));
            before = page.TryGetProperty("next", out var next) ? next.GetString() : null;
        }
        while (before is not null);
        Assert.Equal([("webinar-scheduled", webinar.Id()), ("resource-shared", resource.Id()), ("replied", reply.Id()), ("thread-started", seen[^1].Id)], seen);

        var moderator = await fixture.Admin.GetAsync($"/api/v1/community/spaces/{space}/activity").OkAsync();
        Assert.Contains(moderator.GetProperty("items").EnumerateArray(), i => i.GetProperty("subjectId").GetGuid() == hiddenReply.Id());
        using (var bad = await member.GetAsync($"/api/v1/community/spaces/{space}/activity?before=yesterday&limit=0"))
            await ProblemAssert.IsValidationAsync(bad, "before", "limit");
    }

    [Fact]
    public async Task A_member_following_live_gets_new_posts_of_their_spaces_and_nothing_of_spaces_they_cannot_read()
    {
        var open = await fixture.Admin.OpenSpaceAsync();
        using var admin = await fixture.MemberAsync(role: "network-admin");
        var cluster = Guid.CreateVersion7();
        await fixture.FormClusterAsync(cluster, Guid.CreateVersion7(), "PT");
        var thread = (await admin.StartThreadAsync(open, "Live", "Follow this.")).GetProperty("thread").Id();
        await Eventually.UntilAsync(() => fixture.Admin.GetAsync($"/api/v1/community/spaces/{cluster}"), r => r.IsSuccessStatusCode, TimeSpan.FromSeconds(10));
        var privateThread = (await admin.StartThreadAsync(cluster, "Cluster only", "Not for outsiders.")).GetProperty("thread").Id();

        using var follower = await fixture.MemberAsync();
        using var live = await follower.GetAsync("/api/v1/community/live", HttpCompletionOption.ResponseHeadersRead);
        live.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", live.Content.Headers.ContentType?.MediaType);
        using var stream = new StreamReader(await live.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        Assert.Equal("ready", (await stream.NextEventAsync(timeout.Token)).Type);

        await admin.PostAsJsonAsync($"/api/v1/community/threads/{privateThread}/posts", new { body = "Private news." }).OkAsync();
        var reply = await admin.PostAsJsonAsync($"/api/v1/community/threads/{thread}/posts", new { body = "Public news." }).OkAsync();
        var (type, data) = await stream.NextEventAsync(timeout.Token);
        Assert.Equal("post-published", type);
        Assert.Equal((reply.Id(), thread, open), (data.GetProperty("subjectId").GetGuid(), data.GetProperty("threadId").GetGuid(), data.GetProperty("spaceId").GetGuid()));
    }
}
