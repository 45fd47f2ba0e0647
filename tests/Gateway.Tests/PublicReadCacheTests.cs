using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Testing;
using MenSI.Testing.Security;
using Xunit;

namespace MenSI.Gateway.Tests;

/// <summary>Public reads answered by the gateway from Redis, revalidated with 304s, and evicted by the Registry's events.</summary>
[Collection(nameof(GatewayCollection))]
public class PublicReadCacheTests(GatewayFixture gateway) : IAsyncLifetime
{
    private static readonly TimeSpan Visible = TimeSpan.FromSeconds(1);
    private ServiceHost<RateLimitSettings>? _host;
    private Uri _address = null!;

    /// <summary>An instance of its own with ordinary rate limits: these tests poll, the shared fixture limits to a few calls.</summary>
    public async Task InitializeAsync() => (_host, _address) = await gateway.StartGatewayAsync(new Dictionary<string, string?>
    {
        ["Gateway:RateLimits:Anonymous:PermitLimit"] = "100000",
        ["Gateway:RateLimits:Authenticated:PermitLimit"] = "100000",
    });

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }

    private HttpClient Client(string? token = null) => PersonaTokens.Authorized(new HttpClient { BaseAddress = _address }, token);

    [Fact]
    public async Task A_public_school_is_answered_from_the_cache_revalidated_with_304_and_a_change_is_visible_within_a_second()
    {
        using var officer = Client(await gateway.Identity.TokenForAsync(Persona.MinistryOfficer("HU")));
        using var created = await officer.PostAsJsonAsync("/api/v1/schools", new { country = "HU", nationalId = Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture), name = "Gyorstár Iskola", educationLevels = new[] { "primary" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var school = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        using var anonymous = Client();
        Assert.True(await PublicCache.AnsweredFromCacheAsync(anonymous, $"/api/v1/schools/{school}"), "the school was never answered from the cache");

        using var hit = await anonymous.GetAsync($"/api/v1/schools/{school}");
        Assert.Equal("Gyorstár Iskola", (await hit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString());
        var etag = hit.Headers.ETag ?? throw new Xunit.Sdk.XunitException("a cached answer without an ETag");

        using var revalidate = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/schools/{school}");
        revalidate.Headers.IfNoneMatch.Add(etag);
        using var notModified = await anonymous.SendAsync(revalidate);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        // Signed-in reads are never served from the cache (what a caller may see can differ).
        using var signedIn = await officer.GetAsync($"/api/v1/schools/{school}");
        Assert.False(signedIn.Headers.Contains("X-Cache"));

        // A change through the API is visible to anonymous readers within a second: the Registry's event evicts it.
        using var update = JsonRequests.Create(HttpMethod.Put, $"/api/v1/schools/{school}", new { name = "Friss Iskola", educationLevels = new[] { "primary" } }, "*");
        var clock = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, (await officer.SendAsync(update)).StatusCode);
        var name = await Eventually.UntilAsync(async () => (await anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/schools/{school}")).GetProperty("name").GetString(),
            n => n == "Friss Iskola", TimeSpan.FromSeconds(5));
        var staleFor = clock.Elapsed;
        Assert.Equal("Friss Iskola", name);
        Assert.True(staleFor < Visible, $"the change reached anonymous readers after {staleFor.TotalMilliseconds:0} ms");

        // The old ETag no longer matches: a revalidation gets the new body.
        using var stale = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/schools/{school}");
        stale.Headers.IfNoneMatch.Add(etag);
        using var changed = await anonymous.SendAsync(stale);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
    }

    [Fact]
    public async Task The_directory_is_cached_per_query_and_a_new_school_appears_within_a_second()
    {
        using var anonymous = Client();
        var country = "LT";
        var query = $"/api/v1/schools?country={country}&pageSize=100";
        Assert.True(await PublicCache.AnsweredFromCacheAsync(anonymous, query), "the directory was never answered from the cache");
        var before = (await anonymous.GetFromJsonAsync<JsonElement>(query)).GetProperty("totalCount").GetInt64();

        using var admin = Client(await gateway.Identity.TokenForAsync(Persona.NetworkAdmin));
        var clock = Stopwatch.StartNew();
        using var created = await admin.PostAsJsonAsync("/api/v1/schools", new { country, nationalId = "LT" + Random.Shared.Next(1_000_000, 9_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture), name = "Naujoji mokykla", educationLevels = new[] { "primary" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var after = await Eventually.UntilAsync(async () => (await anonymous.GetFromJsonAsync<JsonElement>(query)).GetProperty("totalCount").GetInt64(),
            n => n == before + 1, TimeSpan.FromSeconds(5));
        Assert.Equal(before + 1, after);
        Assert.True(clock.Elapsed < Visible, $"the new school reached the directory after {clock.Elapsed.TotalMilliseconds:0} ms");
    }
}
