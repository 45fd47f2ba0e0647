using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Hosting;
using MenSI.Testing;
using MenSI.Testing.Security;
using Xunit;

namespace MenSI.EndToEnd.Tests;

/// <summary>
/// Published policy content through the gateway's cache: anonymous readers are answered from Redis, and every change
/// they could see (a publication, an endorsement, a withdrawal, a new snapshot, a recorded session), each announced by
/// its event, reaches them within a second; a ministry system's plain AMQP consumer hears the same facts.
/// </summary>
[Collection(SharedGraph.Name)]
public class PolicyContentCacheTests(GraphFixture graph)
{
    private static readonly string[] Exchanges =
        ["mensi.policy.challenge-published", "mensi.policy.document-endorsed", "mensi.policy.document-withdrawn", "mensi.policy.snapshot-taken", "mensi.policy.exchange-session-held"];

    [Fact]
    public async Task Policy_content_is_cached_and_each_public_change_reaches_anonymous_readers_within_a_second()
    {
        await using var ministry = await EventListener.StartAsync(graph.App.Get<RabbitMqResource>("rabbitmq").ConnectionString, Exchanges);
        // Malta: no other test writes its policy, so these lists hold only this test's documents and sessions.
        using var malta = graph.Client(await graph.Tokens.TokenForAsync(Persona.MinistryOfficer("MT")));
        using var portugal = graph.Client(await graph.Tokens.TokenForAsync(Persona.MinistryOfficer("PT")));
        using var anonymous = graph.Client();
        const string documents = "/api/v1/policy/documents?country=MT&pageSize=100";
        var challenge = (await malta.PostAsJsonAsync("/api/v1/policy/documents",
            new { kind = "challenge", country = "MT", content = new { title = "Island schools mentor at a distance", body = "Gozo's schools meet their mentors online." } }).OkAsync()).Id();
        await malta.PostAsync($"/api/v1/policy/documents/{challenge}/submit", null).OkAsync();

        Assert.True(await PublicCache.AnsweredFromCacheAsync(anonymous, documents), "the documents were never answered from the cache");
        await PublicCache.SeenWithinASecondAsync(() => malta.PostAsync($"/api/v1/policy/documents/{challenge}/publish", null),
            () => PublicCache.ListsAsync(anonymous, documents, challenge), listed => listed);

        // Other countries endorse recommendations (and guidelines), and any published document can be withdrawn.
        var recommendation = (await malta.PostAsJsonAsync("/api/v1/policy/documents",
            new { kind = "recommendation", country = "MT", content = new { title = "Pair island and mainland schools", body = "Meet online weekly.", audience = new[] { "school-leaders" } } }).OkAsync()).Id();
        var document = $"/api/v1/policy/documents/{recommendation}";
        await malta.PostAsync($"{document}/submit", null).OkAsync();
        await malta.PostAsync($"{document}/publish", null).OkAsync();
        Assert.True(await PublicCache.AnsweredFromCacheAsync(anonymous, document), "the document was never answered from the cache");
        await PublicCache.SeenWithinASecondAsync(() => portugal.PutAsync($"{document}/endorsements/mine", null),
            async () => string.Join(",", (await anonymous.GetFromJsonAsync<JsonElement>(document)).GetProperty("endorsedBy").EnumerateArray().Select(c => c.GetString())),
            endorsedBy => endorsedBy == "PT");

        Assert.True(await PublicCache.AnsweredFromCacheAsync(anonymous, documents), "the documents were never answered from the cache");
        await PublicCache.SeenWithinASecondAsync(() => malta.PostAsync($"{document}/withdraw", null),
            () => PublicCache.ListsAsync(anonymous, documents, recommendation), listed => !listed);

        const string snapshots = "/api/v1/policy/snapshots?pageSize=1";
        Assert.True(await PublicCache.AnsweredFromCacheAsync(anonymous, snapshots), "the snapshots were never answered from the cache");
        var snapshot = Guid.Empty;
        await PublicCache.SeenWithinASecondAsync(async () =>
            {
                var taken = await malta.PostAsJsonAsync("/api/v1/policy/snapshots", new { title = "Malta, before the exchange" });
                snapshot = (await taken.Content.ReadFromJsonAsync<JsonElement>()).Id();
                return taken;
            },
            async () => (await anonymous.GetFromJsonAsync<JsonElement>(snapshots)).GetProperty("items").EnumerateArray().Select(s => s.Id()).FirstOrDefault(),
            newest => newest == snapshot);

        const string sessions = "/api/v1/policy/sessions?country=MT";
        Assert.True(await PublicCache.AnsweredFromCacheAsync(anonymous, sessions), "the sessions were never answered from the cache");
        var session = Guid.Empty;
        await PublicCache.SeenWithinASecondAsync(async () =>
            {
                var recorded = await malta.PostAsJsonAsync("/api/v1/policy/sessions",
                    new { title = "Valletta exchange", heldOn = "2026-11-25", countries = new[] { "MT", "PT" }, outcomes = "Mentoring at a distance works." });
                session = (await recorded.Content.ReadFromJsonAsync<JsonElement>()).Id();
                return recorded;
            },
            () => PublicCache.ListsAsync(anonymous, sessions, session), listed => listed);

        // A ministry system hears each fact with what it needs to follow the content.
        var published = (await ministry.WaitForAsync(e => e.Exchange == "mensi.policy.challenge-published" && e.Body.GetProperty("documentId").GetGuid() == challenge))[0];
        Assert.Equal((1, "MT"), (published.Body.GetProperty("version").GetInt32(), published.Body.GetProperty("country").GetString()));
        var endorsed = (await ministry.WaitForAsync(e => e.Exchange == "mensi.policy.document-endorsed" && e.Body.GetProperty("documentId").GetGuid() == recommendation))[0];
        Assert.Equal("PT", endorsed.Body.GetProperty("country").GetString());
        var withdrawn = (await ministry.WaitForAsync(e => e.Exchange == "mensi.policy.document-withdrawn" && e.Body.GetProperty("documentId").GetGuid() == recommendation))[0];
        Assert.Equal("recommendation", withdrawn.Body.GetProperty("kind").GetString());
        await ministry.WaitForAsync(e => e.Exchange == "mensi.policy.snapshot-taken" && e.Body.GetProperty("snapshotId").GetGuid() == snapshot);
        await ministry.WaitForAsync(e => e.Exchange == "mensi.policy.exchange-session-held" && e.Body.GetProperty("sessionId").GetGuid() == session);
        Assert.Superset(new HashSet<string>(Exchanges), new HashSet<string>(await graph.WireKeepsTheContractAsync()));
    }
}
