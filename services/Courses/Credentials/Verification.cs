using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Courses.Credentials;

public enum VerificationStatus { Valid, Revoked, Expired, Tampered, Unknown }

public sealed record VerificationCheck(string Check, bool Passed, string Detail);

/// <summary>What a verifier learns: one status, and every check with its reason.</summary>
public sealed record VerificationResult(
    VerificationStatus Status, Guid? CredentialId, IReadOnlyList<VerificationCheck> Checks, DateTimeOffset? IssuedAt = null,
    DateTimeOffset? ExpiresAt = null, DateTimeOffset? RevokedAt = null, string? RevocationReason = null);

/// <summary>
/// Verifies a presented VC-JWT as an outside verifier would, plus what only the issuer knows: the signature by a
/// published key (tampered otherwise), that this issuer issued exactly this token (its digest), revocation, expiry.
/// </summary>
public sealed class Verification(CoursesDbContext db, IssuerKeyRing keys, BadgeUrls urls, TimeProvider clock)
{
    public Task<VerificationResult> OfTokenAsync(string token, CancellationToken cancellationToken) => OfTokenAsync(token, null, cancellationToken);

    /// <param name="known">The stored credential when the caller has read it already (verification by id).</param>
    private async Task<VerificationResult> OfTokenAsync(string token, Credential? known, CancellationToken cancellationToken)
    {
        var checks = new List<VerificationCheck>();
        if (Jws.Parse(token.Trim()) is not var (header, payload, signingInput, signature))
        {
            checks.Add(new("format", false, "Not a compact JWS (three base64url parts with a JSON header and payload)."));
            return new(VerificationStatus.Tampered, null, checks);
        }

        checks.Add(new("format", true, "A compact JWS."));
        var kid = Text(header["kid"]);
        var key = Text(header["alg"]) == Jws.Algorithm && kid is not null ? await keys.FindAsync(kid, cancellationToken) : null;
        if (key is null || !Jws.Verify(signingInput, signature, key))
        {
            checks.Add(new("signature", false, key is null
                ? $"Not signed with ES256 by a key this issuer publishes ({urls.Jwks})."
                : "The signature does not match the content: the credential was changed after it was signed."));
            return new(VerificationStatus.Tampered, IdOf(payload), checks);
        }

        checks.Add(new("signature", true, $"Signed with ES256 by the issuer's key {kid}."));
        var types = (payload["type"] as JsonArray)?.Select(Text).ToList() ?? [];
        if (!types.Contains("OpenBadgeCredential") || Text(payload["iss"]) != urls.Issuer)
        {
            checks.Add(new("document", false, "Signed by this issuer but not one of its Open Badges credentials."));
            return new(VerificationStatus.Tampered, IdOf(payload), checks);
        }

        var id = IdOf(payload);
        var stored = known is not null && known.Id == id ? known
            : id is { } named ? await db.Credentials.AsNoTracking().FirstOrDefaultAsync(c => c.Id == named, cancellationToken) : null;
        if (stored is null || stored.Digest != Jws.Digest(token.Trim()))
        {
            checks.Add(new("issued", false, "This issuer has no record of issuing this credential."));
            return new(VerificationStatus.Unknown, id, checks);
        }

        checks.Add(new("issued", true, $"Issued on {stored.IssuedAt:yyyy-MM-dd}."));
        return Judge(stored, checks);
    }

    /// <summary>By id: the stored token is verified; after the holder's erasure only its status and expiry can be.</summary>
    public async Task<VerificationResult?> OfIdAsync(Guid id, CancellationToken cancellationToken)
    {
        var stored = await db.Credentials.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (stored is null) return null;
        if (stored.Jwt is { } jwt) return await OfTokenAsync(jwt, stored, cancellationToken);
        var checks = new List<VerificationCheck>
        {
            new("issued", true, $"Issued on {stored.IssuedAt:yyyy-MM-dd}; the holder's data was erased here, so present the credential itself to verify its signature."),
        };
        return Judge(stored, checks);
    }

    private VerificationResult Judge(Credential stored, List<VerificationCheck> checks)
    {
        var revoked = stored.RevokedAt is not null;
        checks.Add(new("revocation", !revoked, revoked ? $"Revoked on {stored.RevokedAt:yyyy-MM-dd}: {stored.RevocationReason}" : "Not revoked."));
        var expired = stored.ExpiresAt is { } until && until <= clock.GetUtcNow();
        checks.Add(new("expiry", !expired, stored.ExpiresAt is { } e ? (expired ? $"Expired on {e:yyyy-MM-dd}." : $"Valid until {e:yyyy-MM-dd}.") : "Does not expire."));
        var status = revoked ? VerificationStatus.Revoked : expired ? VerificationStatus.Expired : VerificationStatus.Valid;
        return new(status, stored.Id, checks, stored.IssuedAt, stored.ExpiresAt, stored.RevokedAt, stored.RevocationReason);
    }

    private static Guid? IdOf(JsonObject payload) =>
        Text(payload["jti"]) is { } value && value.StartsWith("urn:uuid:", StringComparison.Ordinal) && Guid.TryParse(value["urn:uuid:".Length..], out var id) ? id : null;

    /// <summary>A string member, or null when it is missing or of another kind (a presented token is untrusted input).</summary>
    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
