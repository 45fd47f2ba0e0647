using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Policy.Tests.Evidence;
using MenSI.Testing;
using MenSI.Testing.Security;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace MenSI.Policy.Tests.Documents;

[Collection(PolicyCollection.Name)]
public class DocumentTests(PolicyFixture fixture)
{
    [Fact]
    public async Task A_snapshot_never_changes_and_downloads_with_its_definitions()
    {
        var before = Network();
        foreach (var e in before) await fixture.PublishAsync(e);
        await WaitForAsync(before);
        using var officer = await fixture.ClientAsync(Persona.MinistryOfficer("EE"));
        using (var bad = await officer.PostAsJsonAsync("/api/v1/policy/snapshots", new { title = "", asOf = "2999-01-01" }))
            await ProblemAssert.IsValidationAsync(bad, "title", "asOf");
        using (var teacher = await fixture.ClientAsync(Persona.Teacher))
        using (var refused = await teacher.PostAsJsonAsync("/api/v1/policy/snapshots", new { title = "Mine" }))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        var snapshot = await officer.PostAsJsonAsync("/api/v1/policy/snapshots", new { title = "Estonia, spring" }).OkAsync();
        var id = snapshot.Id();
        decimal? Figure(JsonElement s, string key) => s.GetProperty("figures").EnumerateArray()
            .Single(f => f.TryGetProperty("country", out var c) && c.GetString() == "EE" && !f.TryGetProperty("approach", out _) && f.GetProperty("key").GetString() == key)
            .GetProperty("value").GetDecimal();
        Assert.Equal(2m, Figure(snapshot, "clusters.total"));

        // More evidence arrives: the live figures move, the snapshot does not, and the database refuses to change it.
        var after = Network();
        foreach (var e in after) await fixture.PublishAsync(e);
        await WaitForAsync(after);
        using var anonymous = await fixture.ClientAsync(null);
        Assert.Equal(2m, Figure(await anonymous.GetAsync($"/api/v1/policy/snapshots/{id}").OkAsync(), "clusters.total"));
        Assert.Equal(4m, (await officer.GetAsync("/api/v1/policy/indicators?country=EE").OkAsync()).GetProperty("figures").GetProperty("clusters.total").GetDecimal());
        var tampering = await Record.ExceptionAsync(() => fixture.QueryAsync(db => db.Database.ExecuteSqlAsync($"UPDATE snapshots SET title = 'changed' WHERE id = {id}")));
        Assert.Contains("snapshots never change", tampering?.Message, StringComparison.Ordinal);
        var taken = Assert.Single(await fixture.OutboxAsync("SnapshotTaken", "snapshotId", id));
        Assert.Equal(("Estonia, spring", snapshot.GetProperty("asOf").GetString()), (taken.GetProperty("title").GetString(), taken.GetProperty("asOf").GetString()));

        Assert.Equal(id, (await anonymous.GetAsync("/api/v1/policy/snapshots?pageSize=1").OkAsync()).GetProperty("items")[0].Id());
        using var csv = await anonymous.GetAsync($"/api/v1/policy/snapshots/{id}?format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("snapshot_id,as_of,country,approach,figure,value,definition", lines[0]);
        Assert.Contains(lines, l => l.StartsWith($"{id},", StringComparison.Ordinal) && l.Contains(",EE,all,clusters.total,2,\"Clusters formed.\"", StringComparison.Ordinal));
        using (var format = await anonymous.GetAsync($"/api/v1/policy/snapshots/{id}?format=xls")) await ProblemAssert.IsValidationAsync(format, "format");
    }

    [Fact]
    public async Task A_recommendation_goes_from_draft_to_published_versions_that_never_change_and_cites_a_snapshot()
    {
        using var hungary = await fixture.ClientAsync(Persona.MinistryOfficer("HU"));
        using var portugal = await fixture.ClientAsync(Persona.MinistryOfficer("PT"));
        using var anonymous = await fixture.ClientAsync(null);
        var snapshot = (await hungary.PostAsJsonAsync("/api/v1/policy/snapshots", new { title = "Evidence for the recommendation" }).OkAsync()).Id();
        object Content(string title, string body, Guid[]? cited = null) => new
        {
            title, summary = "Mentoring in pairs of schools", body, audience = new[] { "ministries", "school-leaders" }, citedSnapshotIds = cited ?? [snapshot],
        };

        using (var bad = await hungary.PostAsJsonAsync("/api/v1/policy/documents", new { kind = "case-study", country = "HU", content = new { title = "x", body = "y" } }))
            await ProblemAssert.IsValidationAsync(bad, "approach", "clusterIds");
        using (var foreign = await portugal.PostAsJsonAsync("/api/v1/policy/documents", new { kind = "recommendation", country = "HU", content = Content("x", "y") }))
            Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        using (var unknown = await hungary.PostAsJsonAsync("/api/v1/policy/documents", new { kind = "recommendation", country = "HU", content = Content("x", "y", [Guid.NewGuid()]) }))
            await ProblemAssert.IsValidationAsync(unknown, "citedSnapshotIds");

        var word = "Mentorálás" + Guid.NewGuid().ToString("N")[..6];
        var created = await hungary.PostAsJsonAsync("/api/v1/policy/documents",
            new { kind = "recommendation", country = "HU", content = Content($"{word} in every district", "Pair schools.\nFund the visits.") }).OkAsync();
        var id = created.Id();
        Assert.Equal("draft", created.GetProperty("version").GetProperty("state").GetString());
        using (var hidden = await anonymous.GetAsync($"/api/v1/policy/documents/{id}")) Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        using (var hiddenToo = await portugal.GetAsync($"/api/v1/policy/documents/{id}")) Assert.Equal(HttpStatusCode.NotFound, hiddenToo.StatusCode);

        await hungary.SendJsonAsync(HttpMethod.Put, $"/api/v1/policy/documents/{id}/draft", Content($"{word} in every district", "Pair schools.\nFund the visits.\nReview yearly."), "\"1\"").OkAsync();
        using (var early = await hungary.PostAsync($"/api/v1/policy/documents/{id}/publish", null)) await ProblemAssert.IsRuleAsync(early, HttpStatusCode.Conflict, "workflow");
        await hungary.PostAsync($"/api/v1/policy/documents/{id}/submit", null).OkAsync();
        var published = await hungary.PostAsync($"/api/v1/policy/documents/{id}/publish", null).OkAsync();
        Assert.Equal(1, published.GetProperty("publishedVersion").GetInt32());

        var seen = await anonymous.GetAsync($"/api/v1/policy/documents/{id}").OkAsync();
        var citation = seen.GetProperty("version").GetProperty("citations")[0];
        Assert.Equal((snapshot, $"/api/v1/policy/snapshots/{snapshot}"), (citation.GetProperty("snapshotId").GetGuid(), citation.GetProperty("href").GetString()));
        Assert.Contains((await anonymous.GetAsync($"/api/v1/policy/documents?q={word.ToUpperInvariant().Replace('Á', 'A')}").OkAsync()).GetProperty("items").EnumerateArray(), d => d.Id() == id);

        // A change is a new version; the public keeps reading version 1 until version 2 is published, then both stay readable.
        using (var notDraft = await hungary.SendJsonAsync(HttpMethod.Put, $"/api/v1/policy/documents/{id}/draft", Content("x", "y"), "\"2\""))
            await ProblemAssert.IsRuleAsync(notDraft, HttpStatusCode.Conflict, "not-a-draft");
        await hungary.PostAsync($"/api/v1/policy/documents/{id}/versions", null).OkAsync();
        await hungary.SendJsonAsync(HttpMethod.Put, $"/api/v1/policy/documents/{id}/draft", Content($"{word} in every region", "Pair schools.\nFund the visits and the cover.\nReview yearly."), "\"1\"").OkAsync();
        var publicView = await anonymous.GetAsync($"/api/v1/policy/documents/{id}").OkAsync();
        Assert.Equal(1, publicView.GetProperty("version").GetProperty("number").GetInt32());
        // Not even the draft's number shows outside its authors' ministry: the public answer changes only on publication.
        Assert.Equal((1, 2), (publicView.GetProperty("latestVersion").GetInt32(), (await hungary.GetAsync($"/api/v1/policy/documents/{id}").OkAsync()).GetProperty("latestVersion").GetInt32()));
        // In lists too: the public sees version 1, its authors the one document once, as the draft.
        Assert.Equal([1], (await anonymous.GetAsync($"/api/v1/policy/documents?q={word}").OkAsync()).GetProperty("items").EnumerateArray().Select(d => d.GetProperty("version").GetInt32()));
        Assert.Equal([2], (await hungary.GetAsync($"/api/v1/policy/documents?q={word}").OkAsync()).GetProperty("items").EnumerateArray().Select(d => d.GetProperty("version").GetInt32()));
        await hungary.PostAsync($"/api/v1/policy/documents/{id}/submit", null).OkAsync();
        await hungary.PostAsync($"/api/v1/policy/documents/{id}/publish", null).OkAsync();
        Assert.Equal("superseded", (await anonymous.GetAsync($"/api/v1/policy/documents/{id}/versions/1").OkAsync()).GetProperty("state").GetString());
        var diff = await anonymous.GetAsync($"/api/v1/policy/documents/{id}/diff?from=1&to=2").OkAsync();
        Assert.Equal(["title"], diff.GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("field").GetString()));
        Assert.Equal([("=", "Pair schools."), ("-", "Fund the visits."), ("+", "Fund the visits and the cover."), ("=", "Review yearly.")],
            diff.GetProperty("body").EnumerateArray().Select(l => (l.GetProperty("op").GetString(), l.GetProperty("text").GetString())));

        // Other countries endorse (once per country) and comment; the authors' own ministry does not endorse itself.
        await portugal.PutAsync($"/api/v1/policy/documents/{id}/endorsements/mine", null).OkAsync();
        var endorsed = await portugal.PutAsync($"/api/v1/policy/documents/{id}/endorsements/mine", null).OkAsync();
        Assert.Equal(["PT"], endorsed.GetProperty("endorsedBy").EnumerateArray().Select(c => c.GetString()));
        using (var own = await hungary.PutAsync($"/api/v1/policy/documents/{id}/endorsements/mine", null))
            await ProblemAssert.IsRuleAsync(own, HttpStatusCode.UnprocessableEntity, "endorse-other-countries");
        await portugal.PostAsJsonAsync($"/api/v1/policy/documents/{id}/comments", new { body = "We fund cover teachers the same way." }).OkAsync();
        Assert.Single((await hungary.GetAsync($"/api/v1/policy/documents/{id}/comments").OkAsync()).EnumerateArray());

        var ours = await fixture.OutboxAsync("RecommendationPublished", "documentId", id);
        Assert.Equal([1, 2], ours.Select(e => e.GetProperty("version").GetInt32()).Order());
        Assert.All(ours, e => Assert.Equal([snapshot], e.GetProperty("snapshotIds").EnumerateArray().Select(s => s.GetGuid())));

        // Portugal endorsed twice and is announced once, for the version it endorsed.
        var endorsement = Assert.Single(await fixture.OutboxAsync("DocumentEndorsed", "documentId", id));
        Assert.Equal(("PT", 2), (endorsement.GetProperty("country").GetString(), endorsement.GetProperty("version").GetInt32()));

        await hungary.PostAsync($"/api/v1/policy/documents/{id}/withdraw", null).OkAsync();
        using (var gone = await anonymous.GetAsync($"/api/v1/policy/documents/{id}")) Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        var withdrawn = Assert.Single(await fixture.OutboxAsync("DocumentWithdrawn", "documentId", id));
        Assert.Equal((2, "recommendation", "HU"), (withdrawn.GetProperty("version").GetInt32(), withdrawn.GetProperty("kind").GetString(), withdrawn.GetProperty("country").GetString()));
    }

    [Fact]
    public async Task A_published_challenge_is_announced()
    {
        using var hungary = await fixture.ClientAsync(Persona.MinistryOfficer("HU"));
        var id = (await hungary.PostAsJsonAsync("/api/v1/policy/documents",
            new { kind = "challenge", country = "HU", content = new { title = "Rural schools lack mentors", body = "Few mentor schools outside Budapest." } }).OkAsync()).Id();
        await hungary.PostAsync($"/api/v1/policy/documents/{id}/submit", null).OkAsync();
        Assert.Empty(await fixture.OutboxAsync("ChallengePublished", "documentId", id));
        await hungary.PostAsync($"/api/v1/policy/documents/{id}/publish", null).OkAsync();
        var published = Assert.Single(await fixture.OutboxAsync("ChallengePublished", "documentId", id));
        Assert.Equal((1, "HU"), (published.GetProperty("version").GetInt32(), published.GetProperty("country").GetString()));
    }

    [Fact]
    public async Task Exchange_sessions_are_recorded_by_the_ministries_that_took_part()
    {
        using var hungary = await fixture.ClientAsync(Persona.MinistryOfficer("HU"));
        using var croatia = await fixture.ClientAsync(Persona.MinistryOfficer("HR"));
        object Session(string[] countries) => new { title = "Policy exchange, Lisbon", heldOn = "2026-11-20", countries, agenda = "Cost of mentoring", outcomes = "Share **cost** data." };
        using (var bad = await hungary.PostAsJsonAsync("/api/v1/policy/sessions", new { title = "", heldOn = "2999-01-01", countries = new[] { "HU" } }))
            await ProblemAssert.IsValidationAsync(bad, "title", "heldOn", "countries", "outcomes");
        using (var absent = await croatia.PostAsJsonAsync("/api/v1/policy/sessions", Session(["HU", "PT"]))) Assert.Equal(HttpStatusCode.Forbidden, absent.StatusCode);
        var session = await hungary.PostAsJsonAsync("/api/v1/policy/sessions", Session(["hu", "PT"])).OkAsync();
        Assert.Contains("<strong>cost</strong>", session.GetProperty("outcomesHtml").GetString(), StringComparison.Ordinal);
        using var anonymous = await fixture.ClientAsync(null);
        Assert.Contains((await anonymous.GetAsync("/api/v1/policy/sessions?country=PT").OkAsync()).GetProperty("items").EnumerateArray(), s => s.Id() == session.Id());
        Assert.NotEmpty(await fixture.OutboxAsync("ExchangeSessionHeld", "sessionId", session.Id()));
    }

    private static List<MenSI.Contracts.IIntegrationEvent> Network() => IndicatorTests.Network("EE");

    private Task WaitForAsync(List<MenSI.Contracts.IIntegrationEvent> events)
    {
        var ids = events.Select(e => e.EventId).ToList();
        return Eventually.UntilAsync(() => fixture.QueryAsync(db => db.EvidenceLog.CountAsync(e => ids.Contains(e.EventId))), n => n == ids.Count, TimeSpan.FromSeconds(20));
    }
}
