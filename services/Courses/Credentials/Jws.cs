using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace MenSI.Courses.Credentials;

/// <summary>
/// Compact JWS with ES256 (ECDSA P-256, SHA-256; the signature as r‖s, RFC 7518 §3.4), and the public key as a JWK
/// named by its RFC 7638 thumbprint. Small enough to own; outside verifiers check it with any JOSE library.
/// </summary>
public static class Jws
{
    public const string Algorithm = "ES256";

    public static string Sign(JsonObject payload, ECDsa key, string kid, string type = "JWT")
    {
        var header = new JsonObject { ["alg"] = Algorithm, ["kid"] = kid, ["typ"] = type };
        var signingInput = $"{Encode(header)}.{Encode(payload)}";
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return $"{signingInput}.{WebEncoders.Base64UrlEncode(signature)}";
    }

    /// <summary>The token's parts, or null when it is not a compact JWS with JSON header and payload.</summary>
    public static (JsonObject Header, JsonObject Payload, string SigningInput, byte[] Signature)? Parse(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3) return null;
        try
        {
            var header = JsonNode.Parse(WebEncoders.Base64UrlDecode(parts[0])) as JsonObject;
            var payload = JsonNode.Parse(WebEncoders.Base64UrlDecode(parts[1])) as JsonObject;
            var signature = WebEncoders.Base64UrlDecode(parts[2]);
            return header is null || payload is null ? null : (header, payload, $"{parts[0]}.{parts[1]}", signature);
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            return null;
        }
    }

    public static bool Verify(string signingInput, byte[] signature, ECDsa publicKey) =>
        publicKey.VerifyData(Encoding.ASCII.GetBytes(signingInput), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public static JsonObject PublicJwk(ECDsa key, string kid)
    {
        var p = key.ExportParameters(false);
        return new JsonObject
        {
            ["kty"] = "EC", ["crv"] = "P-256", ["x"] = WebEncoders.Base64UrlEncode(p.Q.X!), ["y"] = WebEncoders.Base64UrlEncode(p.Q.Y!),
            ["kid"] = kid, ["use"] = "sig", ["alg"] = Algorithm,
        };
    }

    /// <summary>RFC 7638: SHA-256 over the required members in lexicographic order, no whitespace.</summary>
    public static string Thumbprint(ECDsa key)
    {
        var p = key.ExportParameters(false);
        var canonical = $"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{WebEncoders.Base64UrlEncode(p.Q.X!)}\",\"y\":\"{WebEncoders.Base64UrlEncode(p.Q.Y!)}\"}}";
        return WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    public static string Digest(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));

    private static string Encode(JsonObject json) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(json.ToJsonString()));
}
