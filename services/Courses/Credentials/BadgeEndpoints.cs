using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using MenSI.Courses.Catalogue;
using MenSI.Courses.Learning;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MenSI.Courses.Credentials;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record VerifyRequest(string? Credential);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RevokeRequest(string? Reason);

public sealed record CredentialDocument(Guid Id, string Format, string Jwt, JsonObject Credential, string Verification);

/// <summary>
/// What anyone outside the platform needs to trust a credential, all anonymous: the issuer's profile and public keys,
/// each credential, its verification, the revocation status lists, and the Open Badges 2.0 hosted export. Revoking
/// is for network admins.
/// </summary>
public static class BadgeEndpoints
{
    public const string Route = "/api/v1/badges";
    public const string VcJwtMediaType = "application/vc+jwt";

    public static void MapBadgeEndpoints(this IEndpointRouteBuilder app)
    {
        var badges = app.MapGroup(Route).WithTags("Badges");
        badges.MapGet("/issuer", (BadgeUrls urls, IOptions<BadgeOptions> options) => TypedResults.Ok(OpenBadges.IssuerProfile(urls, options.Value)))
            .WithName("GetIssuerProfile").AllowAnonymous();
        badges.MapGet("/issuer/jwks", async (IssuerKeyRing keys, CancellationToken ct) => TypedResults.Ok(await keys.JwksAsync(ct)))
            .WithName("GetIssuerKeys").AllowAnonymous();
        badges.MapGet("/achievements/{courseId:guid}", GetAchievement).WithName("GetAchievement").AllowAnonymous();
        badges.MapGet("/credentials/{id:guid}", GetCredential).WithName("GetCredential").AllowAnonymous();
        badges.MapGet("/credentials/{id:guid}/verification", VerifyById).WithName("VerifyCredentialById").AllowAnonymous();
        badges.MapPost("/verify", Verify).WithName("VerifyCredential").AllowAnonymous();
        badges.MapPost("/credentials/{id:guid}/revoke", Revoke).WithName("RevokeCredential").RequireAuthorization(Policies.NetworkAdmin);
        badges.MapGet("/status-lists/{list:long}", GetStatusList).WithName("GetStatusList")
            .Describe(new()
            {
                ["list"] = "The status list's number, from 1, as a credential's credentialStatus names it.",
            }).AllowAnonymous()
            .Produces<string>(StatusCodes.Status200OK, VcJwtMediaType);
        badges.MapGet("/v2/issuer", (BadgeUrls urls, IOptions<BadgeOptions> options) => TypedResults.Ok(OpenBadges.IssuerV2(urls, options.Value)))
            .WithName("GetIssuerV2").AllowAnonymous();
        badges.MapGet("/v2/badge-classes/{courseId:guid}", GetBadgeClassV2).WithName("GetBadgeClassV2").AllowAnonymous();
        badges.MapGet("/v2/badge-classes/{courseId:guid}/image", GetBadgeImageV2).WithName("GetBadgeImageV2").AllowAnonymous()
            .Produces<string>(StatusCodes.Status200OK, "image/svg+xml");
        badges.MapGet("/v2/assertions/{id:guid}", GetAssertionV2).WithName("GetAssertionV2").AllowAnonymous();
    }

    internal static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> GetAchievement(Guid courseId, CoursesDbContext db, BadgeUrls urls, CancellationToken ct) =>
        await PublicCourseAsync(db, courseId, ct) is { } course ? TypedResults.Ok(OpenBadges.Achievement(course, urls)) : Problems.NotFound("Achievement", courseId);

    internal static async Task<Results<Ok<CredentialDocument>, ProblemHttpResult>> GetCredential(Guid id, CoursesDbContext db, BadgeUrls urls, CancellationToken ct)
    {
        var credential = await db.Credentials.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        // After erasure the token is gone (its holder keeps their copy); the verification by id still answers.
        if (credential?.Jwt is not { } jwt) return Problems.NotFound("Credential", id);
        return TypedResults.Ok(new CredentialDocument(id, "vc+jwt", jwt, Jws.Parse(jwt)!.Value.Payload, urls.Verification(id)));
    }

    internal static async Task<Results<Ok<VerificationResult>, ProblemHttpResult>> VerifyById(Guid id, Verification verification, CancellationToken ct) =>
        await verification.OfIdAsync(id, ct) is { } result ? TypedResults.Ok(result) : Problems.NotFound("Credential", id);

    internal static async Task<Results<Ok<VerificationResult>, ValidationProblem>> Verify(VerifyRequest request, Verification verification, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Credential) || request.Credential.Length > 64_000)
            return Problems.Validation(new Dictionary<string, string[]> { ["credential"] = ["Required: the credential as a VC-JWT (compact JWS), at most 64,000 characters."] });
        return TypedResults.Ok(await verification.OfTokenAsync(request.Credential, ct));
    }

    internal static async Task<Results<Ok<VerificationResult>, ValidationProblem, ProblemHttpResult>> Revoke(
        Guid id, RevokeRequest request, Caller caller, ResourceAccess access, CoursesDbContext db, Verification verification, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var reason = CourseRules.CheckText(request.Reason, "reason", 500, errors);
        if (errors.Count > 0) return Problems.Validation(errors);
        var credential = await db.Credentials.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (credential is null) return Problems.NotFound("Credential", id);
        if (credential.RevokedAt is not null) return Problems.Broken(new("already-revoked", $"The credential was revoked on {credential.RevokedAt:yyyy-MM-dd}."));
        credential.RevokedAt = clock.GetUtcNow();
        credential.RevocationReason = reason;
        await db.SaveChangesAsync(ct);
        access.Check(caller, true, "revoke", $"credential {id}");
        return TypedResults.Ok((await verification.OfIdAsync(id, ct))!);
    }

    internal static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetStatusList(
        long list, CoursesDbContext db, IssuerKeyRing keys, BadgeUrls urls, TimeProvider clock, CancellationToken ct)
    {
        var first = (list - 1) * StatusList.Size;
        if (list < 1 || !await db.Credentials.AnyAsync(c => c.StatusIndex >= first && c.StatusIndex < first + StatusList.Size, ct))
            return Problems.NotFound("Status list", list);
        var revoked = await db.Credentials.AsNoTracking().Where(c => c.RevokedAt != null && c.StatusIndex >= first && c.StatusIndex < first + StatusList.Size)
            .Select(c => c.StatusIndex).ToListAsync(ct);
        var (kid, key) = await keys.SigningKeyAsync(ct);
        var payload = OpenBadges.StatusListPayload(list, StatusList.Encode(revoked.Select(i => StatusList.Locate(i).Index)), clock.GetUtcNow(), urls);
        return TypedResults.Content(Jws.Sign(payload, key, kid), VcJwtMediaType);
    }

    internal static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> GetBadgeClassV2(Guid courseId, CoursesDbContext db, BadgeUrls urls, CancellationToken ct) =>
        await PublicCourseAsync(db, courseId, ct) is { } course ? TypedResults.Ok(OpenBadges.BadgeClassV2(course, urls)) : Problems.NotFound("Badge class", courseId);

    internal static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetBadgeImageV2(Guid courseId, CoursesDbContext db, CancellationToken ct) =>
        await PublicCourseAsync(db, courseId, ct) is { } course ? TypedResults.Content(OpenBadges.BadgeSvg(course), "image/svg+xml") : Problems.NotFound("Badge class", courseId);

    /// <summary>A revoked 2.0 assertion answers 410 with <c>revoked: true</c>, as the 2.0 specification asks of hosted badges.</summary>
    internal static async Task<Results<Ok<JsonObject>, JsonHttpResult<JsonObject>, ProblemHttpResult>> GetAssertionV2(
        Guid id, CoursesDbContext db, BadgeUrls urls, CancellationToken ct)
    {
        var credential = await db.Credentials.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        var enrolment = credential?.EnrolmentId is { } enrolmentId ? await db.Enrolments.AsNoTracking().FirstOrDefaultAsync(e => e.Id == enrolmentId, ct) : null;
        if (credential is null || enrolment is not { RecipientHash: { } hash, RecipientSalt: { } salt }) return Problems.NotFound("Assertion", id);
        if (credential.RevokedAt is not null)
        {
            return TypedResults.Json(new JsonObject
            {
                ["@context"] = OpenBadges.Ob2Context, ["id"] = urls.AssertionV2(id), ["revoked"] = true, ["revocationReason"] = credential.RevocationReason,
            }, statusCode: StatusCodes.Status410Gone);
        }

        return TypedResults.Ok(OpenBadges.AssertionV2(credential, hash, salt, urls));
    }

    private static Task<Course?> PublicCourseAsync(CoursesDbContext db, Guid id, CancellationToken ct) =>
        db.Courses.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.Status != CourseStatus.Draft, ct);
}
