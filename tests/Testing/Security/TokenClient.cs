using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;

namespace MenSI.Testing.Security;

public sealed record TokenResponse(string AccessToken, string? RefreshToken, string? IdToken, int ExpiresIn);

/// <summary>
/// Gets tokens from Identity the way real clients do, over HTTP: client credentials for machine clients, and the
/// authorization code flow with PKCE for people, driven like a browser (cookies kept, redirects followed, the
/// sign-in form read and posted with its anti-forgery token) until the redirect back to the front-end carries the code.
/// </summary>
public sealed class TokenClient : IDisposable
{
    public const string FrontEndClientId = "mensi-web";
    public const string FrontEndRedirect = "http://localhost:5173/callback";

    private readonly HttpClient _http;
    private readonly Uri _base;

    public TokenClient(Uri baseAddress)
    {
        _base = baseAddress;
        _http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = baseAddress };
    }

    public async Task<TokenResponse> ClientCredentialsAsync(string clientId, string secret) =>
        await RequestTokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret, ["scope"] = "mensi-api",
        });

    public async Task<TokenResponse> RefreshAsync(string refreshToken) =>
        await RequestTokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["client_id"] = FrontEndClientId, ["refresh_token"] = refreshToken,
        });

    /// <summary>Signs in through the sign-in page (as the web front-end, unless another registered front-end is named); throws <see cref="SignInRefusedException"/> when the page refuses.</summary>
    public async Task<TokenResponse> SignInAsync(string email, string password, string clientId = FrontEndClientId, string redirectUri = FrontEndRedirect)
    {
        var (verifier, challenge) = Pkce();
        var state = Guid.NewGuid().ToString("N");
        var authorize = QueryHelpers.AddQueryString("/connect/authorize", new Dictionary<string, string?>
        {
            ["client_id"] = clientId, ["response_type"] = "code", ["scope"] = "openid profile offline_access mensi-api",
            ["redirect_uri"] = redirectUri, ["code_challenge"] = challenge, ["code_challenge_method"] = "S256", ["state"] = state,
        });

        // Not signed in: authorize sends us to the sign-in page, which carries the way back.
        var signInPage = await FollowAsync(new Uri(authorize, UriKind.Relative));
        var html = await signInPage.Content.ReadAsStringAsync();
        var form = new Dictionary<string, string>
        {
            ["email"] = email,
            ["password"] = password,
            ["returnUrl"] = WebUtility.HtmlDecode(HiddenField("returnUrl", html)),
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(HiddenField("__RequestVerificationToken", html)),
        };
        var signInPath = new Uri(signInPage.RequestMessage!.RequestUri!.AbsolutePath, UriKind.Relative);
        var posted = await _http.PostAsync(signInPath, new FormUrlEncodedContent(form));
        // A 503 says a dependency hiccupped and nothing was written: post again after Retry-After, as any client should.
        for (var retry = 0; retry < 3 && posted.StatusCode == HttpStatusCode.ServiceUnavailable; retry++)
        {
            await Task.Delay(posted.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
            posted.Dispose();
            posted = await _http.PostAsync(signInPath, new FormUrlEncodedContent(form));
        }

        using var _ = posted;
        if (posted.StatusCode != HttpStatusCode.Redirect) throw new SignInRefusedException(posted.StatusCode);

        var back = await FollowAsync(posted.Headers.Location!);
        var callback = back.Headers.Location ?? throw new InvalidOperationException($"Authorize answered {(int)back.StatusCode} without a redirect.");
        Assert(callback.ToString().StartsWith(redirectUri, StringComparison.Ordinal), $"Redirected to {callback}, not to the front-end.");
        var query = QueryHelpers.ParseQuery(callback.Query);
        Assert(query["state"] == state, "The state came back changed.");

        return await RequestTokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["client_id"] = clientId, ["code"] = query["code"].ToString(),
            ["redirect_uri"] = redirectUri, ["code_verifier"] = verifier,
        });
    }

    /// <summary>OpenID Connect userinfo with a bearer access token; the claims as JSON.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Claims)> UserInfoAsync(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/connect/userinfo", UriKind.Relative));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, body.Length > 0 && response.IsSuccessStatusCode ? JsonDocument.Parse(body).RootElement.Clone() : default);
    }

    /// <summary>Token revocation (RFC 7009) as the public front-end client.</summary>
    public async Task<HttpStatusCode> RevokeAsync(string token, string tokenTypeHint)
    {
        using var response = await _http.PostAsync(new Uri("/connect/revoke", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = FrontEndClientId, ["token"] = token, ["token_type_hint"] = tokenTypeHint,
        }));
        return response.StatusCode;
    }

    /// <summary>Sign-out (end session) in this browser; the address it sends the browser to, if any.</summary>
    public async Task<(HttpStatusCode Status, Uri? Location)> EndSessionAsync(string idTokenHint, string postLogoutRedirectUri)
    {
        var endSession = QueryHelpers.AddQueryString("/connect/endsession", new Dictionary<string, string?>
        {
            ["client_id"] = FrontEndClientId, ["id_token_hint"] = idTokenHint, ["post_logout_redirect_uri"] = postLogoutRedirectUri,
        });
        using var response = await _http.GetAsync(new Uri(endSession, UriKind.Relative));
        return (response.StatusCode, response.Headers.Location);
    }

    /// <summary>Whether this browser still has a sign-in session: authorize with <c>prompt=none</c> gives a code only then.</summary>
    public async Task<bool> HasSessionAsync()
    {
        var authorize = QueryHelpers.AddQueryString("/connect/authorize", new Dictionary<string, string?>
        {
            ["client_id"] = FrontEndClientId, ["response_type"] = "code", ["scope"] = "openid mensi-api", ["prompt"] = "none",
            ["redirect_uri"] = FrontEndRedirect, ["state"] = "s", ["code_challenge_method"] = "S256", ["code_challenge"] = Pkce().Challenge,
        });
        var back = await FollowAsync(new Uri(authorize, UriKind.Relative));
        var callback = back.Headers.Location ?? throw new InvalidOperationException($"Authorize answered {(int)back.StatusCode} without a redirect.");
        var query = QueryHelpers.ParseQuery(callback.Query);
        if (query.ContainsKey("code")) return true;
        Assert(query["error"] == "login_required", $"Authorize with prompt=none answered {callback}.");
        return false;
    }

    /// <summary>A PKCE verifier and its S256 challenge.</summary>
    private static (string Verifier, string Challenge) Pkce()
    {
        var verifier = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        return (verifier, WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    /// <summary>Follows redirects that stay on Identity; stops at the first answer that is not one (or leaves it).</summary>
    private async Task<HttpResponseMessage> FollowAsync(Uri location)
    {
        for (var hops = 0; hops < 10; hops++)
        {
            var response = await _http.GetAsync(location);
            if (response.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther) || response.Headers.Location is not { } next)
                return response;
            if (next.IsAbsoluteUri && next.Authority != _base.Authority) return response;
            location = next;
        }

        throw new InvalidOperationException("Too many redirects.");
    }

    private async Task<TokenResponse> RequestTokenAsync(Dictionary<string, string> form)
    {
        using var response = await _http.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(form));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (!response.IsSuccessStatusCode) throw new TokenRequestException(response.StatusCode, body.GetRawText());
        return new TokenResponse(
            body.GetProperty("access_token").GetString()!,
            body.TryGetProperty("refresh_token", out var refresh) ? refresh.GetString() : null,
            body.TryGetProperty("id_token", out var id) ? id.GetString() : null,
            body.GetProperty("expires_in").GetInt32());
    }

    private static string HiddenField(string name, string html) =>
        Regex.Match(html, $"name=\"{Regex.Escape(name)}\" value=\"([^\"]*)\"") is { Success: true } m ? m.Groups[1].Value
            : throw new InvalidOperationException($"The sign-in page has no field {name}.");

    private static void Assert(bool condition, string message)
    {
        if (!condition) throw new InvalidOperationException(message);
    }

    public void Dispose() => _http.Dispose();
}

public sealed class SignInRefusedException(HttpStatusCode status) : Exception($"The sign-in page answered {(int)status}.")
{
    public HttpStatusCode Status { get; } = status;
}

public sealed class TokenRequestException(HttpStatusCode status, string body) : Exception($"The token endpoint answered {(int)status}: {body}")
{
    public HttpStatusCode Status { get; } = status;
    public string Body { get; } = body;
}
