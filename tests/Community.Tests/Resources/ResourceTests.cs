using System.Net;
using System.Net.Http.Json;
using MenSI.Testing;
using MenSI.Testing.Security;
using Xunit;

namespace MenSI.Community.Tests.Resources;

[Collection(CommunityCollection.Name)]
public class ResourceTests(CommunityFixture fixture)
{
    [Fact]
    public async Task Resources_are_validated_shared_filtered_and_searched_and_a_new_members_wait_for_the_countrys_moderator()
    {
        var space = await fixture.Admin.OpenSpaceAsync("country", country: "HU");
        using var officer = await fixture.ClientAsync(Persona.MinistryOfficer("HU"));
        using var newcomer = await fixture.MemberAsync();
        using var reader = await fixture.MemberAsync();
        var word = "Kézikönyv" + Guid.NewGuid().ToString("N")[..6];

        using (var bad = await officer.PostAsJsonAsync($"/api/v1/community/spaces/{space}/resources",
                   new { title = "", url = "javascript:alert(1)", licence = "CC-BY", language = "xx", country = "US" }))
            await ProblemAssert.IsValidationAsync(bad, "title", "url", "type", "licence", "language", "country");

        var handbook = await fixture.Admin.PostAsJsonAsync($"/api/v1/community/spaces/{space}/resources", new
        {
            title = $"Digitális iskola {word}", url = "https://example.org/kezikonyv", description = "Útmutató tanároknak", type = "lesson-plan",
            licence = "CC-BY-4.0", language = "hu", tags = new[] { "SELFIE" },
        }).OkAsync();
        Assert.False(handbook.GetProperty("awaitingApproval").GetBoolean());
        Assert.Equal("HU", handbook.GetProperty("country").GetString());
        var video = await newcomer.PostAsJsonAsync($"/api/v1/community/spaces/{space}/resources", new
        {
            title = $"Mentoring video {word}", url = "https://video.example.org/1", type = "video", licence = "CC-BY-SA-4.0", language = "en",
        }).OkAsync();
        Assert.True(video.GetProperty("awaitingApproval").GetBoolean());

        async Task<Guid[]> ListAsync(HttpClient client, string filter) =>
            [.. (await client.GetAsync($"/api/v1/community/resources?spaceId={space}&{filter}").OkAsync()).GetProperty("items").EnumerateArray().Select(r => r.Id())];
        Assert.Equal([handbook.Id()], await ListAsync(reader, ""));
        using (var unseen = await reader.GetAsync($"/api/v1/community/resources/{video.Id()}")) Assert.Equal(HttpStatusCode.NotFound, unseen.StatusCode);
        await newcomer.GetAsync($"/api/v1/community/resources/{video.Id()}").OkAsync();

        await officer.PostAsync($"/api/v1/community/resources/{video.Id()}/approve", null).OkAsync();
        Assert.Equal([video.Id(), handbook.Id()], await ListAsync(reader, ""));
        Assert.Equal([handbook.Id()], await ListAsync(reader, "q=DIGITALIS"));
        Assert.Equal([video.Id(), handbook.Id()], await ListAsync(reader, $"q={word.ToLowerInvariant()}"));
        Assert.Equal([video.Id()], await ListAsync(reader, "type=video"));
        Assert.Equal([handbook.Id()], await ListAsync(reader, "licence=CC-BY-4.0&language=hu&tag=selfie&country=HU"));
        using (var badFilter = await reader.GetAsync("/api/v1/community/resources?type=poster&licence=free"))
            await ProblemAssert.IsValidationAsync(badFilter, "type", "licence");

        await reader.PostAsJsonAsync($"/api/v1/community/resources/{handbook.Id()}/reports", new { reason = "Broken link" }).OkAsync();
        await officer.PostAsJsonAsync($"/api/v1/community/resources/{handbook.Id()}/hide", new { reason = "The link is broken" }).OkAsync();
        Assert.Equal([video.Id()], await ListAsync(reader, ""));
        Assert.Equal([video.Id(), handbook.Id()], await ListAsync(officer, ""));

        var ours = await fixture.OutboxAsync("ResourceShared", "spaceId", space);
        Assert.Equal([handbook.Id(), video.Id()], ours.OrderBy(e => e.GetProperty("occurredAt").GetDateTimeOffset()).Select(e => e.GetProperty("resourceId").GetGuid()));
        Assert.All(ours, e => Assert.DoesNotContain(word, e.GetRawText(), StringComparison.OrdinalIgnoreCase));
    }
}
