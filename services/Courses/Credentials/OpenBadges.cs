using System.Globalization;
using System.Text.Json.Nodes;
using MenSI.Courses.Catalogue;

namespace MenSI.Courses.Credentials;

public sealed class BadgeOptions
{
    /// <summary>The public address the gateway answers on: every URL in a credential starts with it.</summary>
    public string PublicBaseUrl { get; set; } = "";
    public string IssuerName { get; set; } = "MenSI: Mentoring for School Improvement";
}

/// <summary>The public URLs of the issuer's documents (all served anonymously through the gateway under /api/v1/badges).</summary>
public sealed class BadgeUrls(string publicBaseUrl)
{
    private readonly string _root = publicBaseUrl.TrimEnd('/') + BadgeEndpoints.Route;

    public string Issuer => $"{_root}/issuer";
    public string Jwks => $"{_root}/issuer/jwks";
    public string Achievement(Guid courseId) => $"{_root}/achievements/{courseId}";
    public string Credential(Guid id) => $"{_root}/credentials/{id}";
    public string Verification(Guid id) => $"{_root}/credentials/{id}/verification";
    public string StatusList(long list) => $"{_root}/status-lists/{list}";
    public string IssuerV2 => $"{_root}/v2/issuer";
    public string BadgeClassV2(Guid courseId) => $"{_root}/v2/badge-classes/{courseId}";
    public string BadgeImageV2(Guid courseId) => $"{_root}/v2/badge-classes/{courseId}/image";
    public string AssertionV2(Guid id) => $"{_root}/v2/assertions/{id}";
}

/// <summary>
/// The documents of Open Badges 3.0 (an <c>OpenBadgeCredential</c>: a W3C Verifiable Credential 2.0 secured as a
/// VC-JWT, §8.2: the payload is the credential itself plus <c>iss</c>, <c>jti</c>, <c>nbf</c> and <c>exp</c>) and the
/// Open Badges 2.0 hosted export of the same award.
/// </summary>
public static class OpenBadges
{
    public const string VcContext = "https://www.w3.org/ns/credentials/v2";
    public const string Ob3Context = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
    public const string Ob3Schema = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json";
    public const string Ob2Context = "https://w3id.org/openbadges/v2";

    public static JsonObject IssuerProfile(BadgeUrls urls, BadgeOptions options) => new()
    {
        ["@context"] = new JsonArray(VcContext, Ob3Context),
        ["id"] = urls.Issuer,
        ["type"] = new JsonArray("Profile"),
        ["name"] = options.IssuerName,
        ["url"] = options.PublicBaseUrl,
    };

    public static JsonObject Achievement(Course course, BadgeUrls urls) => new()
    {
        ["id"] = urls.Achievement(course.Id),
        ["type"] = new JsonArray("Achievement"),
        ["achievementType"] = "Course",
        ["name"] = course.Title,
        ["description"] = course.Summary,
        ["criteria"] = new JsonObject { ["narrative"] = CriteriaOf(course) },
        ["inLanguage"] = course.Language,
        ["humanCode"] = $"MenSI-{course.Id.ToString("N")[..8]}",
    };

    /// <summary>The credential document and its JWT claims, in one payload (OB 3.0 §8.2.4.1).</summary>
    public static JsonObject CredentialPayload(Credential credential, Course course, string recipientHash, string salt, BadgeUrls urls, BadgeOptions options)
    {
        var (list, index) = StatusList.Locate(credential.StatusIndex);
        var payload = new JsonObject
        {
            ["@context"] = new JsonArray(VcContext, Ob3Context),
            ["id"] = $"urn:uuid:{credential.Id}",
            ["type"] = new JsonArray("VerifiableCredential", "OpenBadgeCredential"),
            ["issuer"] = new JsonObject { ["id"] = urls.Issuer, ["type"] = new JsonArray("Profile"), ["name"] = options.IssuerName },
            ["validFrom"] = Timestamp(credential.IssuedAt),
            ["name"] = course.Title,
            ["credentialSubject"] = new JsonObject
            {
                ["type"] = new JsonArray("AchievementSubject"),
                ["identifier"] = new JsonArray(new JsonObject
                {
                    ["type"] = "IdentityObject", ["identityHash"] = recipientHash, ["identityType"] = "emailAddress", ["hashed"] = true, ["salt"] = salt,
                }),
                ["achievement"] = Achievement(course, urls),
            },
            ["credentialStatus"] = new JsonObject
            {
                ["id"] = $"{urls.StatusList(list)}#{index}",
                ["type"] = "BitstringStatusListEntry",
                ["statusPurpose"] = "revocation",
                ["statusListIndex"] = index.ToString(CultureInfo.InvariantCulture),
                ["statusListCredential"] = urls.StatusList(list),
            },
            ["credentialSchema"] = new JsonArray(new JsonObject { ["id"] = Ob3Schema, ["type"] = "1EdTechJsonSchemaValidator2019" }),
            ["iss"] = urls.Issuer,
            ["jti"] = $"urn:uuid:{credential.Id}",
            ["nbf"] = credential.IssuedAt.ToUnixTimeSeconds(),
        };
        if (credential.ExpiresAt is { } expires)
        {
            payload["validUntil"] = Timestamp(expires);
            payload["exp"] = expires.ToUnixTimeSeconds();
        }

        return payload;
    }

    public static JsonObject StatusListPayload(long list, string encodedList, DateTimeOffset now, BadgeUrls urls) => new()
    {
        ["@context"] = new JsonArray(VcContext),
        ["id"] = urls.StatusList(list),
        ["type"] = new JsonArray("VerifiableCredential", "BitstringStatusListCredential"),
        ["issuer"] = urls.Issuer,
        ["validFrom"] = Timestamp(now),
        ["credentialSubject"] = new JsonObject
        {
            ["id"] = $"{urls.StatusList(list)}#list", ["type"] = "BitstringStatusList", ["statusPurpose"] = "revocation", ["encodedList"] = encodedList,
        },
        ["iss"] = urls.Issuer,
        ["nbf"] = now.ToUnixTimeSeconds(),
    };

    public static JsonObject IssuerV2(BadgeUrls urls, BadgeOptions options) => new()
    {
        ["@context"] = Ob2Context, ["type"] = "Issuer", ["id"] = urls.IssuerV2, ["name"] = options.IssuerName, ["url"] = options.PublicBaseUrl,
    };

    public static JsonObject BadgeClassV2(Course course, BadgeUrls urls) => new()
    {
        ["@context"] = Ob2Context, ["type"] = "BadgeClass", ["id"] = urls.BadgeClassV2(course.Id), ["name"] = course.Title,
        ["description"] = course.Summary, ["image"] = urls.BadgeImageV2(course.Id),
        ["criteria"] = new JsonObject { ["narrative"] = CriteriaOf(course) }, ["issuer"] = urls.IssuerV2,
    };

    /// <summary>The hosted 2.0 Assertion: the recipient as the same salted hash, verification by the issuer's hosted URL.</summary>
    public static JsonObject AssertionV2(Credential credential, string recipientHash, string salt, BadgeUrls urls)
    {
        var assertion = new JsonObject
        {
            ["@context"] = Ob2Context, ["type"] = "Assertion", ["id"] = urls.AssertionV2(credential.Id),
            ["recipient"] = new JsonObject { ["type"] = "email", ["hashed"] = true, ["salt"] = salt, ["identity"] = recipientHash },
            ["badge"] = urls.BadgeClassV2(credential.CourseId),
            ["issuedOn"] = Timestamp(credential.IssuedAt),
            ["verification"] = new JsonObject { ["type"] = "HostedBadge" },
        };
        if (credential.ExpiresAt is { } expires) assertion["expires"] = Timestamp(expires);
        return assertion;
    }

    /// <summary>A plain badge image for 2.0 backpacks (a BadgeClass needs one): the course title on a disc, as SVG.</summary>
    public static string BadgeSvg(Course course)
    {
        var title = System.Net.WebUtility.HtmlEncode(course.Title.Length > 40 ? course.Title[..39] + "…" : course.Title);
        return $"""<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256"><circle cx="128" cy="128" r="120" fill="#1f4e79"/><text x="128" y="120" font-family="sans-serif" font-size="18" fill="#fff" text-anchor="middle">MenSI</text><text x="128" y="150" font-family="sans-serif" font-size="12" fill="#fff" text-anchor="middle">{title}</text></svg>""";
    }

    private static string CriteriaOf(Course course) =>
        $"Completed every required lesson of \"{course.Title}\" and passed its required quizzes on the MenSI platform.";

    private static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
