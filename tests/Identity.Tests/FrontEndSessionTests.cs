using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Testing.Security;
using Xunit;

namespace MenSI.Identity.Tests;

/// <summary>What a front-end needs beyond a token: who the user is (userinfo, /api/v1/me), signing out, and revoking.</summary>
public class FrontEndSessionTests
{
    [Fact]
    public async Task Userinfo_describes_the_tokens_subject_within_its_scopes()
    {
        var identity = await IdentityHost.GetAsync();
        var school = Guid.CreateVersion7();
        var (userId, email, password) = await identity.CreateUserAsync(Persona.Coordinator(school));
        using var tokens = identity.Tokens();
        var signedIn = await tokens.SignInAsync(email, password);

        var (status, claims) = await tokens.UserInfoAsync(signedIn.AccessToken);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(userId.ToString(), claims.GetProperty("sub").GetString());
        Assert.Equal("Test school-coordinator", claims.GetProperty("name").GetString()); // profile was asked for
        Assert.False(claims.TryGetProperty("email", out _)); // email was not
        Assert.Equal("school-coordinator", claims.GetProperty("role")[0].GetString());
        Assert.Equal(school, claims.GetProperty("school_id").GetGuid());

        var machine = await tokens.ClientCredentialsAsync(IdentityHost.MachineClientId, IdentityHost.MachineClientSecret);
        var (_, client) = await tokens.UserInfoAsync(machine.AccessToken);
        Assert.Equal((IdentityHost.MachineClientId, "HU"), (client.GetProperty("sub").GetString(), client.GetProperty("country").GetString()));

        Assert.Equal(HttpStatusCode.Unauthorized, (await tokens.UserInfoAsync("not-a-token")).Status);
    }

    [Fact]
    public async Task Me_tells_a_signed_in_caller_their_roles_country_and_school()
    {
        var identity = await IdentityHost.GetAsync();
        var school = Guid.CreateVersion7();
        using var coordinator = identity.CreateClient(await identity.TokenForAsync(Persona.Coordinator(school)));
        var me = await coordinator.GetFromJsonAsync<JsonElement>("/api/v1/me");
        Assert.Equal("user", me.GetProperty("kind").GetString());
        Assert.Equal(["school-coordinator"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(school, me.GetProperty("schoolId").GetGuid());
        Assert.Equal($"/api/v1/schools/{school}", me.GetProperty("school").GetString());
        Assert.True(Guid.TryParse(me.GetProperty("subject").GetString(), out _));

        using var tokens = identity.Tokens();
        using var machine = identity.CreateClient((await tokens.ClientCredentialsAsync(IdentityHost.MachineClientId, IdentityHost.MachineClientSecret)).AccessToken);
        var client = await machine.GetFromJsonAsync<JsonElement>("/api/v1/me");
        Assert.Equal(("client", "HU", IdentityHost.MachineClientId), (client.GetProperty("kind").GetString(), client.GetProperty("country").GetString(), client.GetProperty("subject").GetString()));

        using var anonymous = identity.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task Signing_out_ends_the_session_and_returns_only_to_a_registered_address()
    {
        var identity = await IdentityHost.GetAsync();
        var (_, email, password) = await identity.CreateUserAsync(Persona.Teacher);
        using var browser = identity.Tokens();
        var signedIn = await browser.SignInAsync(email, password);
        Assert.True(await browser.HasSessionAsync());

        var elsewhere = await browser.EndSessionAsync(signedIn.IdToken!, "https://attacker.example/");
        Assert.False(elsewhere.Location?.Host == "attacker.example", "end session redirected to an address the client never registered");

        var (status, location) = await browser.EndSessionAsync(signedIn.IdToken!, "http://localhost:5173/");
        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.StartsWith("http://localhost:5173/", location!.ToString(), StringComparison.Ordinal);
        Assert.False(await browser.HasSessionAsync());
    }

    [Fact]
    public async Task A_revoked_refresh_token_is_refused()
    {
        var identity = await IdentityHost.GetAsync();
        var (_, email, password) = await identity.CreateUserAsync(Persona.Teacher);
        using var tokens = identity.Tokens();
        var signedIn = await tokens.SignInAsync(email, password);
        var refreshed = await tokens.RefreshAsync(signedIn.RefreshToken!); // it works before

        Assert.Equal(HttpStatusCode.OK, await tokens.RevokeAsync(refreshed.RefreshToken!, "refresh_token"));
        var refused = await Assert.ThrowsAsync<TokenRequestException>(() => tokens.RefreshAsync(refreshed.RefreshToken!));
        Assert.Contains("invalid_grant", refused.Body, StringComparison.Ordinal);
    }
}
