using System.Net;
using System.Net.Http.Json;
using MenSI.Testing;
using Xunit;

namespace MenSI.Community.Tests.Moderation;

[Collection(CommunityCollection.Name)]
public class TrustTests(CommunityFixture fixture)
{
    [Fact]
    public async Task A_new_members_links_wait_for_approval_which_publishes_them_and_published_posts_earn_trust()
    {
        var space = await fixture.Admin.OpenSpaceAsync();
        using var newcomer = await fixture.MemberAsync();
        using var reader = await fixture.MemberAsync();

        var held = await newcomer.StartThreadAsync(space, "A useful site", "Look at https://tools.example.org/selfie for the survey.");
        var thread = held.GetProperty("thread").Id();
        var post = held.GetProperty("posts").GetProperty("items")[0];
        Assert.True(post.GetProperty("awaitingApproval").GetBoolean());
        using (var hidden = await reader.GetAsync($"/api/v1/community/threads/{thread}")) Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.DoesNotContain((await reader.GetAsync($"/api/v1/community/spaces/{space}/threads").OkAsync()).GetProperty("items").EnumerateArray(), t => t.Id() == thread);
        var own = await newcomer.GetAsync($"/api/v1/community/threads/{thread}").OkAsync();
        Assert.True(own.GetProperty("posts").GetProperty("items")[0].GetProperty("awaitingApproval").GetBoolean());
        Assert.Empty(await fixture.OutboxAsync("ThreadStarted", "threadId", thread));

        var queue = await fixture.Admin.GetAsync("/api/v1/community/approvals?pageSize=100").OkAsync();
        var item = queue.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("contentId").GetGuid() == post.Id());
        Assert.Equal("post", item.GetProperty("contentKind").GetString());
        using (var byReader = await reader.PostAsync($"/api/v1/community/posts/{post.Id()}/approve", null)) Assert.Equal(HttpStatusCode.Forbidden, byReader.StatusCode);
        using (var notHidden = await fixture.Admin.PostAsJsonAsync($"/api/v1/community/posts/{post.Id()}/restore", new { reason = "Fine" }))
            await ProblemAssert.IsRuleAsync(notHidden, HttpStatusCode.Conflict, "awaiting-approval");

        await fixture.Admin.PostAsync($"/api/v1/community/posts/{post.Id()}/approve", null).OkAsync();
        var published = await reader.GetAsync($"/api/v1/community/threads/{thread}").OkAsync();
        Assert.False(published.GetProperty("posts").GetProperty("items")[0].GetProperty("awaitingApproval").GetBoolean());
        Assert.Single(await fixture.OutboxAsync("ThreadStarted", "threadId", thread));
        Assert.Single(await fixture.OutboxAsync("PostPublished", "postId", post.Id()));
        Assert.Equal("approved", Assert.Single(await fixture.OutboxAsync("ContentModerated", "contentId", post.Id())).GetProperty("action").GetString());
        Assert.DoesNotContain((await fixture.Admin.GetAsync("/api/v1/community/approvals?pageSize=100").OkAsync()).GetProperty("items").EnumerateArray(),
            i => i.GetProperty("contentId").GetGuid() == post.Id());

        // Two more published posts (without links) make three: the newcomer's links now go out at once.
        foreach (var text in new[] { "Thanks!", "It worked for us." })
            Assert.False((await newcomer.PostAsJsonAsync($"/api/v1/community/threads/{thread}/posts", new { body = text }).OkAsync()).GetProperty("awaitingApproval").GetBoolean());
        var trusted = await newcomer.PostAsJsonAsync($"/api/v1/community/threads/{thread}/posts", new { body = "Also [this guide](https://guide.example.org)." }).OkAsync();
        Assert.False(trusted.GetProperty("awaitingApproval").GetBoolean());
    }

    [Fact]
    public async Task A_rejected_post_never_appears_and_is_never_announced()
    {
        var space = await fixture.Admin.OpenSpaceAsync();
        using var author = await fixture.MemberAsync();
        using var newcomer = await fixture.MemberAsync();
        var thread = (await author.StartThreadAsync(space, "Tablets", "Which tablets do you use?")).GetProperty("thread").Id();
        var spam = await newcomer.PostAsJsonAsync($"/api/v1/community/threads/{thread}/posts", new { body = "Cheap tablets at <a href=\"https://spam.example\">shop</a>" }).OkAsync();
        Assert.True(spam.GetProperty("awaitingApproval").GetBoolean());

        await fixture.Admin.PostAsJsonAsync($"/api/v1/community/posts/{spam.Id()}/hide", new { reason = "Advertising" }).OkAsync();
        using (var twice = await fixture.Admin.PostAsJsonAsync($"/api/v1/community/posts/{spam.Id()}/hide", new { reason = "Again" }))
            await ProblemAssert.IsRuleAsync(twice, HttpStatusCode.Conflict, "already-hidden");
        var read = await author.GetAsync($"/api/v1/community/threads/{thread}").OkAsync();
        Assert.Equal(1, read.GetProperty("thread").GetProperty("postCount").GetInt32());
        Assert.DoesNotContain(read.GetProperty("posts").GetProperty("items").EnumerateArray(), p => p.Id() == spam.Id());
        Assert.Empty(await fixture.OutboxAsync("PostPublished", "postId", spam.Id()));
        Assert.Equal("rejected", Assert.Single(await fixture.OutboxAsync("ContentModerated", "contentId", spam.Id())).GetProperty("action").GetString());
    }
}
