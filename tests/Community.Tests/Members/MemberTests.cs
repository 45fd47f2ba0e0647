using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Testing;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace MenSI.Community.Tests.Members;

[Collection(CommunityCollection.Name)]
public class MemberTests(CommunityFixture fixture)
{
    [Fact]
    public async Task Unread_counts_follow_posts_and_moderation_and_are_rebuilt_after_Redis_restarts()
    {
        var space = await fixture.Admin.OpenSpaceAsync();
        using var reader = await fixture.MemberAsync();
        using var writer = await fixture.MemberAsync();
        async Task<int?> UnreadAsync() => (await reader.GetAsync("/api/v1/community/me/unread").OkAsync()).EnumerateArray()
            .Where(u => u.GetProperty("spaceId").GetGuid() == space).Select(u => (int?)u.GetProperty("unread").GetInt32()).SingleOrDefault();

        Assert.Null(await UnreadAsync());
        using (var read = await reader.PostAsync($"/api/v1/community/spaces/{space}/read", null)) Assert.Equal(HttpStatusCode.NoContent, read.StatusCode);
        Assert.Equal(0, await UnreadAsync());

        var thread = await writer.StartThreadAsync(space, "News", "One.");
        var reply = await writer.PostAsJsonAsync($"/api/v1/community/threads/{thread.GetProperty("thread").Id()}/posts", new { body = "Two." }).OkAsync();
        Assert.Equal(2, await UnreadAsync());
        // The writer read what they wrote.
        var writers = (await writer.GetAsync("/api/v1/community/me/unread").OkAsync()).EnumerateArray().Single(u => u.GetProperty("spaceId").GetGuid() == space);
        Assert.Equal(0, writers.GetProperty("unread").GetInt32());

        await fixture.Admin.PostAsJsonAsync($"/api/v1/community/posts/{reply.Id()}/hide", new { reason = "Duplicate" }).OkAsync();
        Assert.Equal(1, await UnreadAsync());

        // Redis loses everything (a restart of a non-persistent server): the count is rebuilt from the database.
        var servers = await PlatformServers.GetAsync();
        await servers.Redis.StopAsync();
        await servers.RestartAsync(servers.Redis);
        var afterRestart = await Eventually.UntilAsync(async () =>
        {
            using var response = await reader.GetAsync("/api/v1/community/me/unread");
            return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray()
                .Where(u => u.GetProperty("spaceId").GetGuid() == space).Select(u => (int?)u.GetProperty("unread").GetInt32()).SingleOrDefault() : null;
        }, count => count is not null, TimeSpan.FromSeconds(20));
        Assert.Equal(1, afterRestart);

        await fixture.Admin.PostAsJsonAsync($"/api/v1/community/posts/{reply.Id()}/restore", new { reason = "Not a duplicate" }).OkAsync();
        Assert.Equal(2, await UnreadAsync());
        await reader.PostAsync($"/api/v1/community/spaces/{space}/read", null);
        Assert.Equal(0, await UnreadAsync());
    }

    [Fact]
    public async Task Erasure_leaves_the_conversation_by_a_former_member_with_nothing_that_names_them()
    {
        var space = await fixture.Admin.OpenSpaceAsync();
        using var leaving = await fixture.MemberAsync();
        using var other = await fixture.MemberAsync();
        await leaving.PutAsJsonAsync("/api/v1/community/me/profile", new { displayName = "Zsófia Kiss", languages = new[] { "hu" } }).OkAsync();
        var thread = await leaving.StartThreadAsync(space, "Kérdés", "Hogyan kezdjük?", "hu");
        var threadId = thread.GetProperty("thread").Id();
        var answer = await other.PostAsJsonAsync($"/api/v1/community/threads/{threadId}/posts", new { body = "Így." }).OkAsync();
        await leaving.PutAsync($"/api/v1/community/posts/{answer.Id()}/reactions/thanks", null);
        await leaving.PostAsJsonAsync($"/api/v1/community/posts/{answer.Id()}/reports", new { reason = "Too short" }).OkAsync();

        var export = await leaving.GetAsync("/api/v1/community/me/data").OkAsync();
        Assert.Equal("Zsófia Kiss", export.GetProperty("profile").GetProperty("displayName").GetString());
        Assert.Single(export.GetProperty("posts").EnumerateArray());
        Assert.Single(export.GetProperty("reactions").EnumerateArray());
        Assert.Single(export.GetProperty("reports").EnumerateArray());
        var member = export.GetProperty("memberId").GetGuid();

        using (var erased = await leaving.DeleteAsync("/api/v1/community/me/data")) Assert.Equal(HttpStatusCode.NoContent, erased.StatusCode);

        var read = await other.GetAsync($"/api/v1/community/threads/{threadId}").OkAsync();
        Assert.Equal("Former member", read.GetProperty("thread").GetProperty("author").GetString());
        Assert.Equal("Former member", read.GetProperty("posts").GetProperty("items")[0].GetProperty("author").GetString());
        Assert.Empty(read.GetProperty("posts").GetProperty("items")[1].GetProperty("reactions").EnumerateArray());
        Assert.DoesNotContain("Zsófia", read.GetRawText(), StringComparison.Ordinal);
        var remaining = await fixture.QueryAsync(async db => new[]
        {
            await db.Profiles.CountAsync(p => p.MemberId == member), await db.Posts.CountAsync(p => p.AuthorId == member),
            await db.Threads.CountAsync(t => t.AuthorId == member), await db.Reactions.CountAsync(r => r.MemberId == member),
            await db.Reports.CountAsync(r => r.ReporterId == member), await db.ReadMarkers.CountAsync(m => m.MemberId == member),
        });
        Assert.All(remaining, count => Assert.Equal(0, count));
        var empty = await leaving.GetAsync("/api/v1/community/me/data").OkAsync();
        Assert.Empty(empty.GetProperty("posts").EnumerateArray());
    }
}
