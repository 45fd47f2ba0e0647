using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;

namespace MenSI.AppHost.Demo;

/// <summary>An answer of the public API: its status and JSON body (a problem's, for a refusal).</summary>
public readonly record struct ApiAnswer(HttpStatusCode Status, JsonElement Body)
{
    public bool Ok => (int)Status is >= 200 and < 300;
    public Guid Id => Body.GetProperty("id").GetGuid();

    public ApiAnswer OrThrow(string what) =>
        Ok ? this : throw new InvalidOperationException($"{what}: the API answered {(int)Status} {Body.GetRawText()}");
}

/// <summary>
/// One person's (or the admin's) session with the platform through the gateway, as a front-end would hold it: signed in
/// with the authorization code flow and PKCE as the registered web front-end, then bearer calls. A 429 or 503 is retried
/// after its <c>Retry-After</c>, as the API's contract asks of every client.
/// </summary>
public sealed class DemoApi : IDisposable
{
    private const string FrontEnd = "mensi-web";
    private const string FrontEndRedirect = "http://localhost:5173/callback";
    private const int Attempts = 12;
    private readonly HttpClient _http;

    private DemoApi(HttpClient http) => _http = http;

    public static async Task<DemoApi> SignInAsync(Uri gateway, string email, string password, CancellationToken cancellationToken)
    {
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = gateway };
        var verifier = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var challenge = WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var authorize = QueryHelpers.AddQueryString("/connect/authorize", new Dictionary<string, string?>
        {
            ["client_id"] = FrontEnd, ["response_type"] = "code", ["scope"] = "openid mensi-api", ["redirect_uri"] = FrontEndRedirect,
            ["code_challenge"] = challenge, ["code_challenge_method"] = "S256", ["state"] = Guid.NewGuid().ToString("N"),
        });

        // Authorize sends a stranger to the sign-in page; its form carries the way back and an anti-forgery token.
        using var toSignIn = await SendAsync(browser, () => new HttpRequestMessage(HttpMethod.Get, authorize), cancellationToken);
        var signInPage = toSignIn.Headers.Location ?? throw new InvalidOperationException($"Authorize answered {(int)toSignIn.StatusCode} without sending to the sign-in page.");
        using var page = await SendAsync(browser, () => new HttpRequestMessage(HttpMethod.Get, signInPage), cancellationToken);
        var html = await page.Content.ReadAsStringAsync(cancellationToken);
        var form = new Dictionary<string, string>
        {
            ["email"] = email, ["password"] = password,
            ["returnUrl"] = HiddenField(html, "returnUrl"), ["__RequestVerificationToken"] = HiddenField(html, "__RequestVerificationToken"),
        };
        var signInPath = signInPage.IsAbsoluteUri ? signInPage.AbsolutePath : signInPage.OriginalString.Split('?')[0];
        using var signedIn = await SendAsync(browser, () => new HttpRequestMessage(HttpMethod.Post, signInPath) { Content = new FormUrlEncodedContent(form) }, cancellationToken);
        if (signedIn.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"Signing in as {email} answered {(int)signedIn.StatusCode}: wrong password, or a locked account.");

        using var back = await SendAsync(browser, () => new HttpRequestMessage(HttpMethod.Get, authorize), cancellationToken);
        var code = QueryHelpers.ParseQuery(back.Headers.Location?.Query)["code"].ToString();
        if (code.Length == 0) throw new InvalidOperationException($"Authorize gave {email} no code: {(int)back.StatusCode} {back.Headers.Location}");
        using var token = await SendAsync(browser, () => new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code", ["client_id"] = FrontEnd, ["code"] = code, ["redirect_uri"] = FrontEndRedirect, ["code_verifier"] = verifier,
            }),
        }, cancellationToken);
        var tokens = await token.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        if (!token.IsSuccessStatusCode) throw new InvalidOperationException($"The token endpoint answered {(int)token.StatusCode}: {tokens.GetRawText()}");

        var api = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("access_token").GetString());
        return new DemoApi(api);
    }

    public Task<ApiAnswer> GetAsync(string path, CancellationToken cancellationToken) => CallAsync(HttpMethod.Get, path, null, false, cancellationToken);

    /// <summary>Creates something.</summary>
    public Task<ApiAnswer> PostAsync(string path, object? body, CancellationToken cancellationToken) => CallAsync(HttpMethod.Post, path, body, false, cancellationToken);

    /// <summary>Changes something that has a version (<c>If-Match: *</c>: the demo has just read what it changes).</summary>
    public Task<ApiAnswer> ChangeAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken) =>
        CallAsync(method, path, body, true, cancellationToken);

    /// <summary>One call; a write carries one idempotency key through its retries, so a lost answer does not make two.</summary>
    private async Task<ApiAnswer> CallAsync(HttpMethod method, string path, object? body, bool ifMatchAny, CancellationToken cancellationToken)
    {
        var idempotencyKey = Guid.NewGuid().ToString();
        using var response = await SendAsync(_http, () =>
        {
            var request = new HttpRequestMessage(method, path);
            if (body is not null) request.Content = JsonContent.Create(body);
            if (ifMatchAny) request.Headers.IfMatch.Add(EntityTagHeaderValue.Any);
            if (method != HttpMethod.Get) request.Headers.Add("Idempotency-Key", idempotencyKey);

            return request;
        }, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return new ApiAnswer(response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Sends, retrying a 429 or 503 after its Retry-After (at most 10 s at a time) and a refused connection after a second.</summary>
    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, Func<HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage response;
            using (var message = request())
            {
                try
                {
                    response = await client.SendAsync(message, cancellationToken);
                }
                catch (HttpRequestException) when (attempt < Attempts)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                    continue;
                }
            }

            if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable) || attempt == Attempts) return response;
            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(wait < TimeSpan.FromSeconds(10) ? wait : TimeSpan.FromSeconds(10), cancellationToken);
        }
    }

    private static string HiddenField(string html, string name) =>
        Regex.Match(html, $"name=\"{Regex.Escape(name)}\" value=\"([^\"]*)\"") is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value)
            : throw new InvalidOperationException($"The sign-in page has no field {name}.");

    public void Dispose() => _http.Dispose();
}
