using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Testing;
using MenSI.Testing.Security;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace MenSI.Community.Tests.Threads;

[Collection(CommunityCollection.Name)]
public class ThreadTests(CommunityFixture fixture)
{
    [Fact]
    public async Task Posts_are_sanitised_edits_keep_revisions_replies_quote_and_reactions_count_once()
    {
        var space = await fixture.Admin.OpenSpaceAsync();
        using var author = await fixture.MemberAsync();
        using var reader = await fixture.MemberAsync();
        await author.PutAsJsonAsync("/api/v1/community/me/profile", new { displayName = "Ana", languages = new[] { "hr", "en" } }).OkAsync();

        var started = await author.StartThreadAsync(space, "Peer observation", "We observed **each other**.<script>alert(1)</script><img src=x onerror=alert(1)> [x](javascript:alert(1))",
            tags: ["Observation", "observation"]);
        var thread = started.GetProperty("thread");
        Assert.Equal(["observation"], thread.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        var opening = started.GetProperty("posts").GetProperty("items")[0];
        var html = opening.GetProperty("html").GetString()!;
        Assert.Contains("<strong>each other</strong>", html, StringComparison.Ordinal);
        foreach (var bad in new[] { "<script", "onerror", "javascript:" }) Assert.DoesNotContain(bad, html, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("Ana", opening.GetProperty("author").GetString());

        var reply = await reader.PostAsJsonAsync($"/api/v1/community/threads/{thread.Id()}/posts", new { body = "Thank you!", quotePostId = opening.Id() }).OkAsync();
        Assert.Equal(opening.Id(), reply.GetProperty("quote").GetProperty("postId").GetGuid());
        Assert.Equal("Member", reply.GetProperty("author").GetString());

        // Only the author edits, with the current revision; the earlier text is kept.
        using (var notTheirs = await reader.SendJsonAsync(HttpMethod.Put, $"/api/v1/community/posts/{opening.Id()}", new { body = "Mine now" }, "*"))
            Assert.Equal(HttpStatusCode.Forbidden, notTheirs.StatusCode);
        using (var stale = await author.SendJsonAsync(HttpMethod.Put, $"/api/v1/community/posts/{opening.Id()}", new { body = "v2" }, "\"7\""))
            Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        var edited = await author.SendJsonAsync(HttpMethod.Put, $"/api/v1/community/posts/{opening.Id()}", new { body = "We observed each other twice." }, "\"1\"").OkAsync();
        Assert.Equal(2, edited.GetProperty("revision").GetInt32());
        var revisions = await author.GetAsync($"/api/v1/community/posts/{opening.Id()}/revisions").OkAsync();
        Assert.Equal([1, 2], revisions.EnumerateArray().Select(r => r.GetProperty("revision").GetInt32()));
        Assert.StartsWith("We observed **each other**", revisions[0].GetProperty("markdown").GetString(), StringComparison.Ordinal);
        using (var others = await reader.GetAsync($"/api/v1/community/posts/{opening.Id()}/revisions")) Assert.Equal(HttpStatusCode.Forbidden, others.StatusCode);

        foreach (var _ in Enumerable.Range(0, 2)) using (var r = await reader.PutAsync($"/api/v1/community/posts/{opening.Id()}/reactions/thanks", null)) Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        using (var r = await author.PutAsync($"/api/v1/community/posts/{opening.Id()}/reactions/thanks", null)) Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        using (var bad = await author.PutAsync($"/api/v1/community/posts/{opening.Id()}/reactions/love", null)) Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var read = await reader.GetAsync($"/api/v1/community/threads/{thread.Id()}").OkAsync();
        var first = read.GetProperty("posts").GetProperty("items")[0];
        Assert.Equal(2, first.GetProperty("reactions").EnumerateArray().Single(r => r.GetProperty("kind").GetString() == "thanks").GetProperty("count").GetInt32());
        Assert.Equal(2, read.GetProperty("thread").GetProperty("postCount").GetInt32());

        var mine = await fixture.OutboxAsync("PostPublished", "threadId", thread.Id());
        Assert.Equal([false, true], mine.Select(e => e.GetProperty("isReply").GetBoolean()).Order());
        Assert.All(mine, e => Assert.DoesNotContain("observed", e.GetRawText(), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Search_ignores_accents_and_case_stems_where_it_can_and_respects_private_spaces_and_hidden_posts()
    {
        var open = await fixture.Admin.OpenSpaceAsync("theme", theme: "digital competence");
        using var member = await fixture.MemberAsync();
        var marker = Guid.NewGuid().ToString("N")[..10];
        var hungarian = await member.StartThreadAsync(open, $"Digitális kompetencia {marker}", "A tanárok együtt tanulnak az iskolákban.", "hu");
        var english = await member.StartThreadAsync(open, $"Mentoring {marker}", "Mentors observed lessons in three schools.", "en", ["observation"]);

        async Task<List<Guid>> SearchAsync(HttpClient client, string q, string extra = "") =>
            [.. (await client.GetAsync($"/api/v1/community/search?q={Uri.EscapeDataString(q)}{extra}&pageSize=100").OkAsync())
                .GetProperty("items").EnumerateArray().Select(h => h.GetProperty("threadId").GetGuid())];

        var huThread = hungarian.GetProperty("thread").Id();
        var enThread = english.GetProperty("thread").Id();
        Assert.Contains(huThread, await SearchAsync(member, $"DIGITALIS {marker}"));
        Assert.Contains(huThread, await SearchAsync(member, $"iskola {marker}"));              // Hungarian stem: iskolákban → iskol
        Assert.Contains(enThread, await SearchAsync(member, $"mentor observing {marker}"));     // English stems: observed/observing → observ
        Assert.Equal([enThread], await SearchAsync(member, marker, "&language=en&tag=observation"));
        using (var bad = await member.GetAsync("/api/v1/community/search?q=")) Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        // A moderator hides the English thread: gone for members, still found by moderators.
        await fixture.Admin.PostAsJsonAsync($"/api/v1/community/posts/{english.GetProperty("posts").GetProperty("items")[0].Id()}/hide", new { reason = "Off topic" }).OkAsync();
        Assert.DoesNotContain(enThread, await SearchAsync(member, marker));
        Assert.Contains(enThread, await SearchAsync(fixture.Admin, marker));
        var listed = await member.GetAsync($"/api/v1/community/spaces/{open}/threads").OkAsync();
        Assert.DoesNotContain(listed.GetProperty("items").EnumerateArray(), t => t.Id() == enThread);
        using (var gone = await member.GetAsync($"/api/v1/community/threads/{enThread}"))
        {
            var posts = (await gone.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("posts").GetProperty("items");
            Assert.Equal(0, posts.GetArrayLength());
        }

        // A cluster's private space: its posts are found by its people only.
        var (cluster, school) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await fixture.FormClusterAsync(cluster, school, "PT");
        using var clusterTeacher = await fixture.MemberAsync(school);
        await Eventually.UntilAsync(() => clusterTeacher.GetAsync($"/api/v1/community/spaces/{cluster}"), r => r.IsSuccessStatusCode, TimeSpan.FromSeconds(20));
        var secret = await clusterTeacher.StartThreadAsync(cluster, $"Plano do cluster {marker}", "Só para nós.", "pt");
        Assert.Contains(secret.GetProperty("thread").Id(), await SearchAsync(clusterTeacher, $"plano {marker}"));
        Assert.DoesNotContain(secret.GetProperty("thread").Id(), await SearchAsync(member, $"plano {marker}"));
    }

    [Fact]
    public async Task Reports_reach_the_spaces_moderators_who_hide_and_restore_with_a_reason()
    {
        var country = await fixture.Admin.OpenSpaceAsync("country", country: "IT");
        using var member = await fixture.MemberAsync();
        using var reporter = await fixture.MemberAsync();
        using var italianMinistry = await fixture.ClientAsync(Persona.MinistryOfficer("IT"));
        using var croatianMinistry = await fixture.ClientAsync(Persona.MinistryOfficer("HR"));
        var thread = await member.StartThreadAsync(country, "Quesito", "Una domanda.", "it");
        var post = thread.GetProperty("posts").GetProperty("items")[0].Id();

        using (var noReason = await reporter.PostAsJsonAsync($"/api/v1/community/posts/{post}/reports", new { reason = " " })) Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        var report = await reporter.PostAsJsonAsync($"/api/v1/community/posts/{post}/reports", new { reason = "Spam" }).OkAsync();
        var queue = await italianMinistry.GetAsync("/api/v1/community/reports").OkAsync();
        Assert.Contains(queue.GetProperty("items").EnumerateArray(), r => r.Id() == report.Id());
        Assert.DoesNotContain((await croatianMinistry.GetAsync("/api/v1/community/reports").OkAsync()).GetProperty("items").EnumerateArray(), r => r.Id() == report.Id());

        using (var foreign = await croatianMinistry.PostAsJsonAsync($"/api/v1/community/posts/{post}/hide", new { reason = "No" })) Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        using (var teacher = await member.PostAsJsonAsync($"/api/v1/community/posts/{post}/hide", new { reason = "No" })) Assert.Equal(HttpStatusCode.Forbidden, teacher.StatusCode);
        await italianMinistry.PostAsJsonAsync($"/api/v1/community/posts/{post}/hide", new { reason = "Spam, confirmed" }).OkAsync();
        using (var twice = await italianMinistry.PostAsJsonAsync($"/api/v1/community/posts/{post}/hide", new { reason = "Again" })) Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.DoesNotContain((await italianMinistry.GetAsync("/api/v1/community/reports").OkAsync()).GetProperty("items").EnumerateArray(), r => r.Id() == report.Id());
        await italianMinistry.PostAsJsonAsync($"/api/v1/community/posts/{post}/restore", new { reason = "Appeal accepted" }).OkAsync();
        var visible = await member.GetAsync($"/api/v1/community/spaces/{country}/threads").OkAsync();
        Assert.Contains(visible.GetProperty("items").EnumerateArray(), t => t.Id() == thread.GetProperty("thread").Id());

        var moderated = await fixture.OutboxAsync("ContentModerated", "contentId", post);
        Assert.Equal(["hidden", "restored"], moderated.OrderBy(e => e.GetProperty("occurredAt").GetDateTimeOffset()).Select(e => e.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task A_member_posting_too_fast_is_refused_with_retry_after_and_machines_do_not_post()
    {
        var space = await fixture.Admin.OpenSpaceAsync();
        using var member = await fixture.MemberAsync();
        var thread = await member.StartThreadAsync(space, "Fast", "One.");
        HttpResponseMessage? refused = null;
        for (var i = 0; i < CommunityFixture.PostsPerMinute + 1 && refused is null; i++)
        {
            var response = await member.PostAsJsonAsync($"/api/v1/community/threads/{thread.GetProperty("thread").Id()}/posts", new { body = $"Reply {i}" });
            if (response.StatusCode == HttpStatusCode.TooManyRequests) refused = response;
            else response.Dispose();
        }

        Assert.NotNull(refused);
        using (refused)
        {
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests, "urn:mensi:problem:too-many-requests");
            Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        }

        Assert.Equal(CommunityFixture.PostsPerMinute, await fixture.QueryAsync(db => db.Posts.CountAsync(p => p.ThreadId == thread.GetProperty("thread").Id())));
        using var tokens = new TokenClient(fixture.Identity.Address);
        var machineToken = (await tokens.ClientCredentialsAsync(IdentityHost.MachineClientId, IdentityHost.MachineClientSecret)).AccessToken;
        using var machine = await fixture.ClientAsync(null);
        machine.DefaultRequestHeaders.Authorization = new("Bearer", machineToken);
        using var notPeople = await machine.PostAsJsonAsync($"/api/v1/community/spaces/{space}/threads", new { title = "x", body = "y", language = "en" });
        Assert.Equal(HttpStatusCode.Forbidden, notPeople.StatusCode);
    }
}
