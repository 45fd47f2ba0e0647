using System.Text.Json.Serialization;

namespace MenSI.Registry.Schools;

/// <summary>The editable profile, as sent on create and update. Unknown fields are refused, so a typo is not lost silently.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public class SchoolProfileRequest
{
    public string? Name { get; init; }
    public string? Region { get; init; }
    public string? City { get; init; }
    public string? Website { get; init; }
    public string? ErasmusOid { get; init; }
    public List<EducationLevel>? EducationLevels { get; init; }
    public int? Pupils { get; init; }
    public int? Teachers { get; init; }
    public List<string>? Languages { get; init; }

    public SchoolProfile ToProfile() => new(
        SchoolText.Clean(Name) ?? "",
        SchoolText.Clean(Region),
        SchoolText.Clean(City),
        SchoolText.Clean(Website),
        SchoolText.Clean(ErasmusOid)?.ToUpperInvariant(),
        EducationLevels ?? [],
        Pupils,
        Teachers,
        Languages?.Select(l => l.Trim()).ToList() ?? []);
}

/// <summary>
/// Text as the Registry stores it, whichever way it came in (the API or a national registry's file): trimmed, blank as
/// absent, and in Unicode normal form C, so "Székesfehérvár" typed with combining accents and with precomposed letters is
/// one name, found by one search.
/// </summary>
public static class SchoolText
{
    public static string? Clean(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Trim().Normalize(System.Text.NormalizationForm.FormC);

    /// <summary>A name, region or city is one line: a line break or another control character is a mistake in the source.</summary>
    public static bool IsOneLine(string? value) => value is null || !value.Any(char.IsControl);
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class CreateSchoolRequest : SchoolProfileRequest
{
    /// <summary>ISO 3166-1 alpha-2, upper case.</summary>
    public string? Country { get; init; }

    /// <summary>The identifier in the country's scheme (see <see cref="NationalIds"/>).</summary>
    public string? NationalId { get; init; }
}

public sealed record SchoolResponse(
    Guid Id,
    string Country,
    string NationalIdScheme,
    string NationalId,
    string Name,
    string? Region,
    string? City,
    string? Website,
    string? ErasmusOid,
    IReadOnlyList<EducationLevel> EducationLevels,
    int? Pupils,
    int? Teachers,
    IReadOnlyList<string> Languages,
    NetworkRole NetworkRole,
    SchoolStatus Status,
    DateOnly? JoinedOn,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int Version)
{
    public static SchoolResponse From(School s) => new(
        s.Id, s.Country, s.NationalIdScheme, s.NationalId, s.Name, s.Region, s.City, s.Website, s.ErasmusOid,
        s.EducationLevels, s.Pupils, s.Teachers, s.Languages, s.NetworkRole, s.Status, s.JoinedOn, s.CreatedAt, s.UpdatedAt, s.Version);
}

/// <summary>List filters and order. <c>sort</c>: name, country or createdAt, with a leading '-' for descending.</summary>
public sealed record SchoolListQuery(string? Country, string? Role, string? Status, string? Level, string? Name, string? Sort, int? Page, int? PageSize);
