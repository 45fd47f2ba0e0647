using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace MenSI.Testing.Security;

/// <summary>
/// Access tokens for personas, obtained the honest way: a network admin (signed in with PKCE) creates a user for the
/// persona through the admin API, and the user signs in with PKCE. Works against Identity directly or through the
/// gateway (<paramref name="baseAddress"/>). One user and token per persona, cached.
/// </summary>
public sealed class PersonaTokens(Uri baseAddress, string adminEmail, string adminPassword)
{
    private readonly ConcurrentDictionary<Persona, Lazy<Task<string>>> _tokens = new();

    public Task<string> AdminTokenAsync() => TokenForAsync(Persona.NetworkAdmin);

    public Task<string> TokenForAsync(Persona persona) =>
        _tokens.GetOrAdd(persona, p => new Lazy<Task<string>>(() => p == Persona.NetworkAdmin ? SignInAsync(adminEmail, adminPassword) : CreateAndSignInAsync(p))).Value;

    /// <summary>A token of a brand-new user of the persona (not cached): someone who has done nothing yet.</summary>
    public Task<string> NewUserTokenAsync(Persona persona) => CreateAndSignInAsync(persona);

    /// <summary>Creates a user through the admin API; returns its id, email and password.</summary>
    public async Task<(Guid Id, string Email, string Password)> CreateUserAsync(Persona persona)
    {
        var email = $"{persona.Role}-{Guid.NewGuid():N}@tests.mensi.example";
        var password = "Test-password-" + Guid.NewGuid().ToString("N")[..8];
        using var admin = Authorized(new HttpClient { BaseAddress = baseAddress }, await AdminTokenAsync());
        var user = new { email, displayName = $"Test {persona.Role}", password, roles = new[] { persona.Role }, country = persona.Country, schoolId = persona.SchoolId };
        var created = await admin.PostAsJsonAsync("/api/v1/users", user);
        // A 503 says a dependency hiccupped and nothing was written: retry after Retry-After, as any client should.
        for (var retry = 0; retry < 3 && created.StatusCode == HttpStatusCode.ServiceUnavailable; retry++)
        {
            await Task.Delay(created.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
            created.Dispose();
            created = await admin.PostAsJsonAsync("/api/v1/users", user);
        }

        using var _ = created;
        if (!created.IsSuccessStatusCode) throw new InvalidOperationException($"Creating a {persona} answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        return (id, email, password);
    }

    public static HttpClient Authorized(HttpClient client, string? accessToken)
    {
        if (accessToken is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    private async Task<string> CreateAndSignInAsync(Persona persona)
    {
        var (_, email, password) = await CreateUserAsync(persona);
        return await SignInAsync(email, password);
    }

    private async Task<string> SignInAsync(string email, string password)
    {
        using var tokens = new TokenClient(baseAddress);
        return (await tokens.SignInAsync(email, password)).AccessToken;
    }
}
