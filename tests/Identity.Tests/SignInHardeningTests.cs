using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using MenSI.Testing.Security;
using Microsoft.AspNetCore.WebUtilities;
using Xunit;

namespace MenSI.Identity.Tests;

/// <summary>
/// The sign-in page and the authorization endpoint as an attacker would try them: malformed forms, return addresses
/// that lead off-site, guessing which accounts exist or are locked, guessing in parallel, PKCE without a hash, and the
/// prompt=login round trip that used to loop.
/// </summary>
public class SignInHardeningTests
{
    /// <summary>A browser: keeps cookies, does not follow redirects by itself.</summary>
    private sealed class Browser(Uri address) : IDisposable
    {
        private readonly HttpClient _http = new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = address };

        public async Task<string> AntiforgeryTokenAsync()
        {
            var page = await _http.GetStringAsync(new Uri("/account/sign-in", UriKind.Relative));
            return WebUtility.HtmlDecode(Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]*)\"").Groups[1].Value);
        }

        public async Task<HttpResponseMessage> PostSignInAsync(IEnumerable<KeyValuePair<string, string>> fields) =>
            await _http.PostAsync(new Uri("/account/sign-in", UriKind.Relative), new FormUrlEncodedContent(fields));

        public async Task<HttpResponseMessage> SignInAsync(string email, string password, string returnUrl = "/") =>
            await PostSignInAsync(new Dictionary<string, string>
            {
                ["email"] = email, ["password"] = password, ["returnUrl"] = returnUrl, ["__RequestVerificationToken"] = await AntiforgeryTokenAsync(),
            });

        public Task<HttpResponseMessage> GetAsync(string url) => _http.GetAsync(new Uri(url, UriKind.RelativeOrAbsolute));

        public void Dispose() => _http.Dispose();
    }

    [Fact]
    public async Task Malformed_sign_in_forms_are_4xx_and_return_addresses_never_leave_the_site()
    {
        var identity = await IdentityHost.GetAsync();
        using var browser = new Browser(identity.Address);
        var token = await browser.AntiforgeryTokenAsync();

        var malformed = new Dictionary<string, IEnumerable<KeyValuePair<string, string>>>
        {
            ["no fields but the token"] = [new("__RequestVerificationToken", token)],
            ["no token"] = [new("email", "a@b.example"), new("password", "x")],
            ["1,100 fields"] = Enumerable.Range(0, 1100).Select(i => new KeyValuePair<string, string>($"f{i}", "x")).Append(new("__RequestVerificationToken", token)),
            ["NUL in the email"] = [new("email", "a\0@b.example"), new("password", "x"), new("__RequestVerificationToken", token)],
        };
        foreach (var (label, fields) in malformed)
        {
            using var response = await browser.PostSignInAsync(fields);
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"{label}: {(int)response.StatusCode}");
        }

        foreach (var evil in new[] { "/\t/evil.example/", "//evil.example/", "/\\evil.example", "https://evil.example/", "/ok\r\nSet-Cookie: x=1" })
        {
            using var response = await browser.SignInAsync(IdentityHost.AdminEmail, IdentityHost.SeedPassword, evil);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/", response.Headers.Location!.OriginalString); // home, not wherever the link said
        }
    }

    [Fact]
    public async Task Unknown_accounts_wrong_passwords_and_locked_accounts_get_the_same_answer()
    {
        var identity = await IdentityHost.StartAsync(new Dictionary<string, string?> { ["Identity:Lockout:MaxFailedAttempts"] = "2" });
        var (_, email, password) = await identity.CreateUserAsync(Persona.Teacher);
        using var browser = new Browser(identity.Address);

        async Task<(HttpStatusCode, string)> AnswerAsync(string e, string p)
        {
            using var response = await browser.SignInAsync(e, p);
            var page = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, Regex.Match(page, "role=\"alert\"[^>]*>([^<]*)<").Groups[1].Value);
        }

        var unknown = await AnswerAsync("nobody-" + Guid.NewGuid().ToString("N") + "@tests.mensi.example", "whatever-it-is");
        var wrong = await AnswerAsync(email, "not-the-password");
        await AnswerAsync(email, "not-the-password-either"); // the second in a row locks it
        var locked = await AnswerAsync(email, password);

        Assert.Equal(HttpStatusCode.Unauthorized, unknown.Item1);
        Assert.NotEmpty(unknown.Item2);
        Assert.Equal(unknown, wrong);
        Assert.Equal(unknown, locked); // even with the right password: locked, and not saying so to a guesser
    }

    [Fact]
    public async Task Parallel_wrong_guesses_are_each_counted()
    {
        var identity = await IdentityHost.StartAsync(new Dictionary<string, string?> { ["Identity:Lockout:MaxFailedAttempts"] = "5" });
        var (_, email, password) = await identity.CreateUserAsync(Persona.Teacher);
        var browsers = Enumerable.Range(0, 5).Select(_ => new Browser(identity.Address)).ToList();
        try
        {
            var tokens = await Task.WhenAll(browsers.Select(b => b.AntiforgeryTokenAsync()));
            var guesses = browsers.Select((b, i) => b.PostSignInAsync(new Dictionary<string, string>
            {
                ["email"] = email, ["password"] = $"guess-{i}", ["returnUrl"] = "/", ["__RequestVerificationToken"] = tokens[i],
            }));
            foreach (var answer in await Task.WhenAll(guesses)) Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);

            // Five wrong guesses, however they overlapped, are five: the account is locked, the right password refused.
            using var afterwards = await browsers[0].SignInAsync(email, password);
            Assert.Equal(HttpStatusCode.Unauthorized, afterwards.StatusCode);
        }
        finally
        {
            browsers.ForEach(b => b.Dispose());
        }
    }

    private static string Authorize(string challengeMethod, string? prompt = null)
    {
        var verifier = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var challenge = challengeMethod == "plain" ? verifier : WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var parameters = new Dictionary<string, string?>
        {
            ["client_id"] = TokenClient.FrontEndClientId, ["response_type"] = "code", ["scope"] = "openid mensi-api",
            ["redirect_uri"] = TokenClient.FrontEndRedirect, ["code_challenge"] = challenge, ["code_challenge_method"] = challengeMethod, ["state"] = "s",
        };
        if (prompt is not null) parameters["prompt"] = prompt;
        return QueryHelpers.AddQueryString("/connect/authorize", parameters);
    }

    [Fact]
    public async Task PKCE_plain_is_refused()
    {
        using var browser = new Browser((await IdentityHost.GetAsync()).Address);
        using var response = await browser.GetAsync(Authorize("plain"));
        var answer = $"{(int)response.StatusCode} {response.Headers.Location}";
        Assert.DoesNotContain("/account/sign-in", answer, StringComparison.Ordinal); // refused before anyone signs in
        Assert.DoesNotContain("code=", answer, StringComparison.Ordinal);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest || answer.Contains("error=invalid_request", StringComparison.Ordinal), answer);
    }

    [Fact]
    public async Task Prompt_login_asks_once_then_returns_a_code()
    {
        using var browser = new Browser((await IdentityHost.GetAsync()).Address);
        using (var first = await browser.SignInAsync(IdentityHost.AdminEmail, IdentityHost.SeedPassword)) Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);

        using var authorize = await browser.GetAsync(Authorize("S256", prompt: "login"));
        var signInPage = authorize.Headers.Location!;
        Assert.Contains("/account/sign-in", signInPage.OriginalString, StringComparison.Ordinal); // signed in, yet asked again: prompt=login
        var returnUrl = QueryHelpers.ParseQuery(signInPage.Query)["returnUrl"].ToString();

        using var signedIn = await browser.SignInAsync(IdentityHost.AdminEmail, IdentityHost.SeedPassword, returnUrl);
        using var back = await browser.GetAsync(signedIn.Headers.Location!.OriginalString);
        Assert.StartsWith(TokenClient.FrontEndRedirect, back.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Contains("code=", back.Headers.Location!.Query, StringComparison.Ordinal);
    }
}
