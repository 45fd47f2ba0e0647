using MenSI.Hosting;
using MenSI.Identity.Keys;
using MenSI.ServiceDefaults.Security;
using MenSI.Testing.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MenSI.Benchmarks;

/// <summary>Access tokens as Identity issues them (same key, issuer, audience and type), for many distinct learners.</summary>
internal sealed class Minter(string signingKeyPem, string issuer)
{
    /// <summary>The AppHost's Identity: its development signing key in the state folder, the gateway's address as issuer.</summary>
    public static Minter For(string stateDir, ProjectResource gateway) =>
        new(Path.Combine(stateDir, "identity-keys", "signing.pem"), $"http://localhost:{new Uri(gateway.HttpEndpoint).Port}/");

    private readonly SigningCredentials _credentials = new(TokenKeys.RsaKey(signingKeyPem), SecurityAlgorithms.RsaSha256);
    private readonly JsonWebTokenHandler _handler = new();

    /// <summary>A client of <paramref name="root"/> signed in as a new user with <paramref name="role"/> (dispose it).</summary>
    public HttpClient Client(string root, string role) =>
        PersonaTokens.Authorized(new HttpClient { BaseAddress = new Uri(root) }, Mint(Guid.NewGuid(), role));

    public string Mint(Guid subject, string role) => _handler.CreateToken(new SecurityTokenDescriptor
    {
        Issuer = issuer,
        Audience = AuthenticationSettings.Audience,
        TokenType = "at+jwt",
        Expires = DateTime.UtcNow.AddHours(1),
        Claims = new Dictionary<string, object> { [MenSIClaims.Subject] = subject.ToString(), [MenSIClaims.Role] = role },
        SigningCredentials = _credentials,
    });
}
