using System.Text.Json;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using MenSI.Testing;
using MenSI.Testing.Security;
using Xunit;

namespace MenSI.Gateway.Tests;

/// <summary>What the gateway adds in front of the services: route policies, rate limits, CORS, headers, body limits.</summary>
[Collection(nameof(GatewayCollection))]
public class GatewaySecurityTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Anonymous_callers_are_limited_per_address_and_told_when_to_come_back()
    {
        using var anonymous = gateway.CreateClient();
        for (var i = 0; i < GatewayFixture.AnonymousLimit; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/v1/schools")).StatusCode);
        }

        var limited = await anonymous.GetAsync("/api/v1/schools");
        await ProblemAssert.IsProblemAsync(limited, HttpStatusCode.TooManyRequests, "urn:mensi:problem:too-many-requests");
        var retryAfter = limited.Headers.RetryAfter?.Delta ?? throw new Xunit.Sdk.XunitException("429 without Retry-After");
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));

        // A signed-in caller from the same address has a budget of its own.
        using var teacher = gateway.CreateClient(await gateway.Identity.TokenForAsync(Persona.Teacher));
        Assert.Equal(HttpStatusCode.OK, (await teacher.GetAsync("/api/v1/schools")).StatusCode);
        // Health stays visible to operators whatever the limits.
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health")).StatusCode);

        // The limiter replenishes on a 100 ms tick, so a client honouring Retry-After may arrive a tick early.
        await Task.Delay(retryAfter + TimeSpan.FromMilliseconds(250));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/v1/schools")).StatusCode);
    }

    [Fact]
    public async Task Signed_in_callers_are_limited_per_user()
    {
        using var first = gateway.CreateClient(await gateway.Identity.TokenForAsync(Persona.MinistryOfficer("HR")));
        using var second = gateway.CreateClient(await gateway.Identity.TokenForAsync(Persona.MinistryOfficer("CZ")));
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= GatewayFixture.AuthenticatedLimit; i++) statuses.Add((await first.GetAsync("/api/v1/schools")).StatusCode);

        Assert.Equal(GatewayFixture.AuthenticatedLimit, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/v1/schools")).StatusCode);
    }

    /// <summary>Two gateway instances behind a load balancer: a caller's budget is one, whichever instance answers.</summary>
    [Fact]
    public async Task The_limits_hold_across_two_gateway_instances()
    {
        var (first, second) = gateway.CreateClientsOnBothGateways();
        using (first)
        using (second)
        {
            for (var i = 0; i < GatewayFixture.AnonymousLimit; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await (i % 2 == 0 ? first : second).GetAsync("/api/v1/schools")).StatusCode);
            }

            await ProblemAssert.IsProblemAsync(await first.GetAsync("/api/v1/schools"), HttpStatusCode.TooManyRequests, "urn:mensi:problem:too-many-requests");
            await ProblemAssert.IsProblemAsync(await second.GetAsync("/api/v1/schools"), HttpStatusCode.TooManyRequests, "urn:mensi:problem:too-many-requests");
        }

        var officer = await gateway.Identity.TokenForAsync(Persona.MinistryOfficer("PT"));
        var (firstUser, secondUser) = gateway.CreateClientsOnBothGateways(officer);
        using (firstUser)
        using (secondUser)
        {
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i <= GatewayFixture.AuthenticatedLimit; i++) statuses.Add((await (i % 2 == 0 ? secondUser : firstUser).GetAsync("/api/v1/schools")).StatusCode);
            Assert.Equal(GatewayFixture.AuthenticatedLimit, statuses.Count(s => s == HttpStatusCode.OK));
            Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        }
    }

    [Fact]
    public async Task Route_policies_are_applied_before_the_service_is_called()
    {
        using var anonymous = gateway.CreateClient();
        await ProblemAssert.IsProblemAsync(await anonymous.PostAsJsonAsync("/api/v1/schools", new { }), HttpStatusCode.Unauthorized, "urn:mensi:problem:unauthenticated");

        using var teacher = gateway.CreateClient(await gateway.Identity.TokenForAsync(Persona.Teacher));
        await ProblemAssert.IsProblemAsync(await teacher.PostAsJsonAsync("/api/v1/schools", new { }), HttpStatusCode.Forbidden, "urn:mensi:problem:forbidden");

        using var forged = gateway.CreateClient(ForgedTokens.WronglySigned());
        await ProblemAssert.IsProblemAsync(await forged.PostAsJsonAsync("/api/v1/schools", new { }), HttpStatusCode.Unauthorized, "urn:mensi:problem:unauthenticated");
    }

    [Fact]
    public async Task Only_the_public_directory_and_profiles_pass_anonymously_everything_else_under_a_school_is_refused_at_the_gateway()
    {
        using var anonymous = gateway.CreateClient();
        var school = Guid.CreateVersion7();
        foreach (var path in new[] { $"/api/v1/schools/{school}/contacts", $"/api/v1/schools/{school}/history",
                     $"/api/v1/schools/{school}/contacts/{Guid.CreateVersion7()}/export", $"/api/v1/schools/{school}/self-assessments" })
        {
            await ProblemAssert.IsProblemAsync(await anonymous.GetAsync(path), HttpStatusCode.Unauthorized, "urn:mensi:problem:unauthenticated");
            await Task.Delay(700); // under the fixture's anonymous limit (3 per 2 s)
        }

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/v1/schools?country=HU")).StatusCode);
        await Task.Delay(700);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/v1/schools/{school}")).StatusCode); // reached the Registry
    }

    [Fact]
    public async Task Health_tells_anyone_the_status_and_only_admins_the_details()
    {
        using var anonymous = gateway.CreateClient();
        var outside = await anonymous.GetFromJsonAsync<JsonElement>("/health");
        Assert.True(outside.TryGetProperty("status", out _));
        Assert.False(outside.TryGetProperty("checks", out _));
        Assert.DoesNotContain("127.0.0.1", outside.GetRawText(), StringComparison.Ordinal);

        using var admin = gateway.CreateClient(await gateway.Identity.AdminTokenAsync());
        var inside = await admin.GetFromJsonAsync<JsonElement>("/health");
        Assert.True(inside.GetProperty("checks").TryGetProperty("route:registry", out _));
    }

    [Fact]
    public async Task Browsers_of_allowed_origins_pass_the_preflight_and_others_do_not()
    {
        using var client = gateway.CreateClient();

        using var allowed = Preflight(GatewayFixture.AllowedOrigin);
        var ok = await client.SendAsync(allowed);
        Assert.Equal(GatewayFixture.AllowedOrigin, ok.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("PUT", ok.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);

        using var foreign = Preflight("https://evil.example");
        var refused = await client.SendAsync(foreign);
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Every_answer_carries_the_security_headers_and_big_bodies_are_refused_with_413()
    {
        using var admin = gateway.CreateClient(await gateway.Identity.TokenForAsync(Persona.NetworkAdmin));

        var read = await admin.GetAsync("/api/v1/schools");
        Assert.Equal("nosniff", read.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", read.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", read.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("default-src 'none'", read.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        var huge = new StringContent("{\"name\":\"" + new string('x', GatewayFixture.MaxBodyBytes) + "\"}", Encoding.UTF8, "application/json");
        await ProblemAssert.IsProblemAsync(await admin.PostAsync(new Uri("/api/v1/schools", UriKind.Relative), huge),
            HttpStatusCode.RequestEntityTooLarge, "urn:mensi:problem:payload-too-large");
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/schools/0190a000-0000-7000-8000-000000000001");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "PUT");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,if-match,content-type");
        return request;
    }
}

[CollectionDefinition(nameof(GatewayCollection))]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>;
