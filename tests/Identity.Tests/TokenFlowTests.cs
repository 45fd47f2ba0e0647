using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Testing;
using MenSI.Testing.Security;
using Xunit;

namespace MenSI.Identity.Tests;

/// <summary>The OpenID Connect flows over real HTTP against the real Identity, on its own PostgreSQL database.</summary>
public class TokenFlowTests
{
    [Fact]
    public async Task A_ministry_system_gets_a_country_scoped_jwt_with_client_credentials()
    {
        var identity = await IdentityHost.GetAsync();
        using var tokens = identity.Tokens();

        var token = (await tokens.ClientCredentialsAsync(IdentityHost.MachineClientId, IdentityHost.MachineClientSecret)).AccessToken;

        Assert.Equal("at+jwt", Jwt.Header(token).GetProperty("typ").GetString());
        Assert.Equal("RS256", Jwt.Header(token).GetProperty("alg").GetString());
        var claims = Jwt.Payload(token);
        Assert.Equal(IdentityHost.Issuer, claims.GetProperty("iss").GetString());
        Assert.Equal("mensi-api", claims.GetProperty("aud").GetString());
        Assert.Equal(IdentityHost.MachineClientId, claims.GetProperty("sub").GetString());
        Assert.Equal("ministry-officer", claims.GetProperty("role").GetString());
        Assert.Equal("HU", claims.GetProperty("country").GetString());

        var refused = await Assert.ThrowsAsync<TokenRequestException>(() => tokens.ClientCredentialsAsync(IdentityHost.MachineClientId, "not-the-secret"));
        Assert.Contains("invalid_client", refused.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_person_signs_in_with_pkce_and_the_access_token_carries_roles_but_no_personal_data()
    {
        var identity = await IdentityHost.GetAsync();
        var school = Guid.CreateVersion7();
        var (userId, email, password) = await identity.CreateUserAsync(Persona.Coordinator(school));
        using var tokens = identity.Tokens();

        var response = await tokens.SignInAsync(email, password);

        var claims = Jwt.Payload(response.AccessToken);
        Assert.Equal(userId.ToString(), claims.GetProperty("sub").GetString());
        Assert.Equal("school-coordinator", claims.GetProperty("role").GetString());
        Assert.Equal(school.ToString(), claims.GetProperty("school_id").GetString());
        Assert.False(claims.TryGetProperty("email", out _));
        Assert.False(claims.TryGetProperty("name", out _));
        Assert.DoesNotContain(email, response.AccessToken, StringComparison.Ordinal);
        Assert.NotNull(response.RefreshToken);
        Assert.Equal("Test school-coordinator", Jwt.Payload(response.IdToken!).GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_refresh_gives_a_new_token_with_the_users_current_roles_and_none_once_the_user_is_erased()
    {
        var identity = await IdentityHost.GetAsync();
        var (userId, email, password) = await identity.CreateUserAsync(Persona.Teacher);
        using var tokens = identity.Tokens();
        var first = await tokens.SignInAsync(email, password);
        Assert.Equal("teacher", Jwt.Payload(first.AccessToken).GetProperty("role").GetString());

        using var admin = identity.CreateClient(await identity.AdminTokenAsync());
        var read = await admin.GetAsync($"/api/v1/users/{userId}");
        using var update = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/users/{userId}")
        {
            Content = JsonContent.Create(new { displayName = "Promoted", roles = new[] { "ministry-officer" }, country = "PT" }),
        };
        update.Headers.IfMatch.Add(read.Headers.ETag!);
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(update)).StatusCode);

        var refreshed = await tokens.RefreshAsync(first.RefreshToken!);
        var claims = Jwt.Payload(refreshed.AccessToken);
        Assert.Equal("ministry-officer", claims.GetProperty("role").GetString());
        Assert.Equal("PT", claims.GetProperty("country").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/users/{userId}")).StatusCode);
        var refused = await Assert.ThrowsAsync<TokenRequestException>(() => tokens.RefreshAsync(refreshed.RefreshToken!));
        Assert.Contains("invalid_grant", refused.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_passwords_lock_the_account_until_an_admin_unlocks_it()
    {
        var identity = await IdentityHost.StartAsync(new Dictionary<string, string?> { ["Identity:Lockout:MaxFailedAttempts"] = "3" });
        var (userId, email, password) = await identity.CreateUserAsync(Persona.Teacher);
        using var tokens = identity.Tokens();

        for (var i = 0; i < 3; i++)
        {
            var wrong = await Assert.ThrowsAsync<SignInRefusedException>(() => tokens.SignInAsync(email, "wrong-password-" + i));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        }

        // Even the right password is refused now, with the answer a wrong one gets: a guesser learns nothing.
        var locked = await Assert.ThrowsAsync<SignInRefusedException>(() => tokens.SignInAsync(email, password));
        Assert.Equal(HttpStatusCode.Unauthorized, locked.Status);

        using var admin = identity.CreateClient(await identity.AdminTokenAsync());
        var unlocked = await admin.PostAsync(new Uri($"/api/v1/users/{userId}/unlock", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, unlocked.StatusCode);
        Assert.False((await tokens.SignInAsync(email, password)).AccessToken.Length == 0);
    }

    [Fact]
    public async Task Unknown_emails_get_the_same_answer_as_wrong_passwords()
    {
        var identity = await IdentityHost.GetAsync();
        using var tokens = identity.Tokens();
        var unknown = await Assert.ThrowsAsync<SignInRefusedException>(() => tokens.SignInAsync("nobody@mensi.example", "whatever-password"));
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.Status);
    }

    [Fact]
    public async Task The_discovery_document_and_the_key_set_are_published()
    {
        var identity = await IdentityHost.GetAsync();
        using var client = identity.CreateClient();

        var discovery = await client.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");
        Assert.Equal(IdentityHost.Issuer, discovery.GetProperty("issuer").GetString());
        Assert.Contains("S256", discovery.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("client_credentials", discovery.GetProperty("grant_types_supported").EnumerateArray().Select(e => e.GetString()));

        var keys = await client.GetFromJsonAsync<JsonElement>("/.well-known/jwks");
        var key = Assert.Single(keys.GetProperty("keys").EnumerateArray(), k => k.GetProperty("use").GetString() == "sig");
        Assert.Equal("RSA", key.GetProperty("kty").GetString());
        Assert.False(key.TryGetProperty("d", out _)); // the public half only
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("wrongly-signed")]
    [InlineData("tampered")]
    [InlineData("none")]
    public async Task Admin_endpoints_refuse_a_bad_or_missing_token_with_401(string kind)
    {
        var identity = await IdentityHost.GetAsync();
        var token = kind switch
        {
            "expired" => ForgedTokens.Expired(identity),
            "wrongly-signed" => ForgedTokens.WronglySigned(),
            "tampered" => ForgedTokens.Tampered(await identity.TokenForAsync(Persona.Teacher)),
            _ => null,
        };
        using var client = identity.CreateClient(token);

        await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/v1/users"), HttpStatusCode.Unauthorized, "urn:mensi:problem:unauthenticated");
    }
}
