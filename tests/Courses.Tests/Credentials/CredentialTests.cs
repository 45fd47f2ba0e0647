using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MenSI.Courses.Credentials;
using MenSI.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace MenSI.Courses.Tests.Credentials;

/// <summary>Credentials checked the way an outside verifier would: jose-jwt (not the code that signed) against the published keys.</summary>
[Collection(CoursesCollection.Name)]
public class CredentialTests(CoursesFixture fixture)
{
    private const string Email = "Ana.Horvat@skola.example.hr";

    [Fact]
    public async Task Completion_issues_an_Open_Badges_3_credential_an_outside_verifier_accepts()
    {
        var (credentialId, jwt, _) = await CompleteAsync();
        using var anonymous = await fixture.ClientAsync(null);
        var jwks = await anonymous.GetAsync("/api/v1/badges/issuer/jwks").OkAsync();

        // Signature, with another JOSE library and the key as published.
        var header = JsonSerializer.SerializeToElement(Jose.JWT.Headers(jwt));
        Assert.Equal("ES256", header.GetProperty("alg").GetString());
        var jwk = jwks.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("kid").GetString() == header.GetProperty("kid").GetString());
        using var key = PublicKey(jwk);
        var payload = JsonDocument.Parse(Jose.JWT.Decode(jwt, key, Jose.JwsAlgorithm.ES256)).RootElement;

        // The OB 3.0 data model's required members and types (1EdTech OB 3.0, B.1: AchievementCredential, Profile,
        // AchievementSubject, Achievement, IdentityObject) and the VC-JWT claims (§8.2.4.1).
        Assert.Equal(["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"], Strings(payload.GetProperty("@context")));
        Assert.Contains("VerifiableCredential", Strings(payload.GetProperty("type")));
        Assert.Contains("OpenBadgeCredential", Strings(payload.GetProperty("type")));
        Assert.Equal($"urn:uuid:{credentialId}", payload.GetProperty("id").GetString());
        Assert.Equal(payload.GetProperty("id").GetString(), payload.GetProperty("jti").GetString());
        var issuer = payload.GetProperty("issuer");
        Assert.Equal(issuer.GetProperty("id").GetString(), payload.GetProperty("iss").GetString());
        Assert.Contains("Profile", Strings(issuer.GetProperty("type")));
        Assert.False(string.IsNullOrEmpty(issuer.GetProperty("name").GetString()));
        Assert.Equal(DateTimeOffset.Parse(payload.GetProperty("validFrom").GetString()!, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds(),
            payload.GetProperty("nbf").GetInt64());
        var subject = payload.GetProperty("credentialSubject");
        Assert.Contains("AchievementSubject", Strings(subject.GetProperty("type")));
        var achievement = subject.GetProperty("achievement");
        Assert.Contains("Achievement", Strings(achievement.GetProperty("type")));
        foreach (var member in new[] { "id", "name", "description" }) Assert.False(string.IsNullOrEmpty(achievement.GetProperty(member).GetString()));
        Assert.False(string.IsNullOrEmpty(achievement.GetProperty("criteria").GetProperty("narrative").GetString()));

        // The recipient: a salted SHA-256 of the email, which the holder can prove and the credential never spells out.
        var identity = subject.GetProperty("identifier")[0];
        Assert.Equal(("IdentityObject", "emailAddress", true), (identity.GetProperty("type").GetString(), identity.GetProperty("identityType").GetString(), identity.GetProperty("hashed").GetBoolean()));
        var salt = identity.GetProperty("salt").GetString()!;
        Assert.Equal("sha256$" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Email.ToLowerInvariant() + salt))), identity.GetProperty("identityHash").GetString());
        Assert.DoesNotContain("skola.example", Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(jwt.Split('.')[1])), StringComparison.OrdinalIgnoreCase);

        var status = payload.GetProperty("credentialStatus");
        Assert.Equal(("BitstringStatusListEntry", "revocation"), (status.GetProperty("type").GetString(), status.GetProperty("statusPurpose").GetString()));
        Assert.False(await RevokedInPublishedListAsync(anonymous, status, jwks));

        var verified = await anonymous.PostAsJsonAsync("/api/v1/badges/verify", new { credential = jwt }).OkAsync();
        Assert.Equal("valid", verified.GetProperty("status").GetString());
        var byId = await anonymous.GetAsync($"/api/v1/badges/credentials/{credentialId}/verification").OkAsync();
        Assert.Equal("valid", byId.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_tampered_credential_is_refused_and_a_revoked_one_is_revoked_everywhere_a_verifier_looks()
    {
        var (credentialId, jwt, courseId) = await CompleteAsync();
        using var anonymous = await fixture.ClientAsync(null);

        // The payload changed (the achievement's name), the signature kept: tampered, with the reason.
        var parts = jwt.Split('.');
        var forged = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(parts[1])).Replace("Badge course", "Forged course", StringComparison.Ordinal);
        var tampered = $"{parts[0]}.{WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(forged))}.{parts[2]}";
        var refused = await anonymous.PostAsJsonAsync("/api/v1/badges/verify", new { credential = tampered }).OkAsync();
        Assert.Equal("tampered", refused.GetProperty("status").GetString());
        Assert.Contains(refused.GetProperty("checks").EnumerateArray(), c => c.GetProperty("check").GetString() == "signature" && !c.GetProperty("passed").GetBoolean());
        var garbage = await anonymous.PostAsJsonAsync("/api/v1/badges/verify", new { credential = "not.a.jwt" }).OkAsync();
        Assert.Equal("tampered", garbage.GetProperty("status").GetString());
        using (var empty = await anonymous.PostAsJsonAsync("/api/v1/badges/verify", new { credential = "" }))
            Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);

        // The 2.0 export of the same award, while valid.
        var assertion = await anonymous.GetAsync($"/api/v1/badges/v2/assertions/{credentialId}").OkAsync();
        Assert.Equal(("Assertion", true), (assertion.GetProperty("type").GetString(), assertion.GetProperty("recipient").GetProperty("hashed").GetBoolean()));
        var badgeClass = await anonymous.GetAsync(assertion.GetProperty("badge").GetString()!.Replace(CoursesFixture.PublicBaseUrl.TrimEnd('/'), "", StringComparison.Ordinal)).OkAsync();
        Assert.Equal(("BadgeClass", courseId), (badgeClass.GetProperty("type").GetString(), Guid.Parse(badgeClass.GetProperty("id").GetString()!.Split('/')[^1])));

        using (var notAdmin = await fixture.Author.PostAsJsonAsync($"/api/v1/badges/credentials/{credentialId}/revoke", new { reason = "x" }))
            Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
        var revoked = await fixture.Admin.PostAsJsonAsync($"/api/v1/badges/credentials/{credentialId}/revoke", new { reason = "Awarded by mistake" }).OkAsync();
        Assert.Equal("revoked", revoked.GetProperty("status").GetString());
        Assert.Equal("revoked", (await anonymous.PostAsJsonAsync("/api/v1/badges/verify", new { credential = jwt }).OkAsync()).GetProperty("status").GetString());

        var jwks = await anonymous.GetAsync("/api/v1/badges/issuer/jwks").OkAsync();
        var status = JsonDocument.Parse(Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(jwt.Split('.')[1]))).RootElement.GetProperty("credentialStatus");
        Assert.True(await RevokedInPublishedListAsync(anonymous, status, jwks));
        using var gone = await anonymous.GetAsync($"/api/v1/badges/v2/assertions/{credentialId}");
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        Assert.True((await gone.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("revoked").GetBoolean());
    }

    [Fact]
    public async Task An_expired_credential_says_so()
    {
        var (credentialId, jwt, _) = await CompleteAsync(validityMonths: 12);
        Assert.True(JsonDocument.Parse(Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(jwt.Split('.')[1]))).RootElement.TryGetProperty("exp", out _));
        // Time moves on a year: the stored validity is what ages (the token's exp claim says the same date).
        await fixture.QueryAsync(db => db.Credentials.Where(c => c.Id == credentialId)
            .ExecuteUpdateAsync(c => c.SetProperty(x => x.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(-1))));
        using var anonymous = await fixture.ClientAsync(null);
        var verified = await anonymous.GetAsync($"/api/v1/badges/credentials/{credentialId}/verification").OkAsync();
        Assert.Equal("expired", verified.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Completing_publishes_CourseCompleted_with_the_credential_and_no_personal_data()
    {
        var (credentialId, _, courseId) = await CompleteAsync();
        var completed = Assert.Single(await fixture.OutboxAsync("CourseCompleted", "credentialId", credentialId));
        Assert.Equal(courseId, completed.GetProperty("courseId").GetGuid());
        Assert.DoesNotContain("learner", completed.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@", completed.GetRawText(), StringComparison.Ordinal);
    }

    /// <summary>A learner completes a new course; returns the credential's id and token.</summary>
    private async Task<(Guid Id, string Jwt, Guid CourseId)> CompleteAsync(int? validityMonths = null)
    {
        var authored = await fixture.Author.PublishedCourseAsync("Badge course", validityMonths);
        var runId = await fixture.Author.OpenRunAsync(authored.Id());
        var learner = await fixture.LearnerAsync();
        var enrolment = await learner.EnrolAsync(authored.Id(), runId, Email).OkAsync();
        var attemptOrProgress = await learner.CompleteAsync(authored, enrolment.Id());
        var mine = await learner.GetAsync($"/api/v1/courses/enrolments/{enrolment.Id()}").OkAsync();
        Assert.Equal("completed", mine.GetProperty("status").GetString());
        var credentialId = mine.GetProperty("credentialId").GetGuid();
        Assert.NotEqual(JsonValueKind.Undefined, attemptOrProgress.ValueKind);
        using var anonymous = await fixture.ClientAsync(null);
        var document = await anonymous.GetAsync($"/api/v1/badges/credentials/{credentialId}").OkAsync();
        return (credentialId, document.GetProperty("jwt").GetString()!, authored.Id());
    }

    /// <summary>What a verifier that never calls the verification endpoint does: fetch the status list, check its signature, read the bit.</summary>
    private static async Task<bool> RevokedInPublishedListAsync(HttpClient anonymous, JsonElement status, JsonElement jwks)
    {
        var url = new Uri(status.GetProperty("statusListCredential").GetString()!);
        var listJwt = await anonymous.GetStringAsync(url.AbsolutePath);
        var kid = JsonSerializer.SerializeToElement(Jose.JWT.Headers(listJwt)).GetProperty("kid").GetString();
        using var key = PublicKey(jwks.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("kid").GetString() == kid));
        var list = JsonDocument.Parse(Jose.JWT.Decode(listJwt, key, Jose.JwsAlgorithm.ES256)).RootElement;
        Assert.Contains("BitstringStatusListCredential", Strings(list.GetProperty("type")));
        var encoded = list.GetProperty("credentialSubject").GetProperty("encodedList").GetString()!;
        return StatusList.IsSet(encoded, int.Parse(status.GetProperty("statusListIndex").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
    }

    private static ECDsa PublicKey(JsonElement jwk) => ECDsa.Create(new ECParameters
    {
        Curve = ECCurve.NamedCurves.nistP256,
        Q = new ECPoint { X = WebEncoders.Base64UrlDecode(jwk.GetProperty("x").GetString()!), Y = WebEncoders.Base64UrlDecode(jwk.GetProperty("y").GetString()!) },
    });

    private static List<string> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
