using System.Security.Cryptography;
using System.Text;
using MenSI.Identity.Keys;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MenSI.Testing.Security;

/// <summary>
/// Tokens that must be refused, each wrong in exactly one way: an expired one signed with Identity's real key, one
/// signed by a stranger's key, and a real one whose payload was edited after signing.
/// </summary>
public static class ForgedTokens
{
    public static string Expired(IdentityHost identity, string role = Roles.NetworkAdmin) =>
        Sign(TokenKeys.RsaKey(Path.Combine(identity.KeyFolder, "signing.pem")), role, DateTime.UtcNow.AddHours(-1));

    public static string WronglySigned(string role = Roles.NetworkAdmin)
    {
        var stranger = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "stranger" };
        return Sign(stranger, role, DateTime.UtcNow.AddMinutes(10));
    }

    /// <summary>The token's payload with its role replaced, the original signature kept.</summary>
    public static string Tampered(string realToken, string role = Roles.NetworkAdmin)
    {
        var parts = realToken.Split('.');
        var payload = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(parts[1]));
        var edited = System.Text.RegularExpressions.Regex.Replace(payload, "\"role\":(\"[^\"]*\"|\\[[^\\]]*\\])", $"\"role\":\"{role}\"");
        if (edited == payload) throw new InvalidOperationException("The token has no role claim to tamper with.");
        return $"{parts[0]}.{WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(edited))}.{parts[2]}";
    }

    private static string Sign(SecurityKey key, string role, DateTime expires) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = IdentityHost.Issuer,
        Audience = AuthenticationSettings.Audience,
        TokenType = "at+jwt",
        IssuedAt = expires.AddMinutes(-15),
        NotBefore = expires.AddMinutes(-15),
        Expires = expires,
        Claims = new Dictionary<string, object> { [MenSIClaims.Subject] = Guid.NewGuid().ToString(), [MenSIClaims.Role] = role },
        SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
    });
}
