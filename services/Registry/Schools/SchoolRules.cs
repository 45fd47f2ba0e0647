using System.Text.RegularExpressions;
using MenSI.ServiceDefaults;

namespace MenSI.Registry.Schools;

/// <summary>
/// National school identifiers: each MenSI country's scheme and its format; other countries use a generic scheme.
/// Identifiers are unique within their country.
/// </summary>
public static partial class NationalIds
{
    private sealed record Scheme(string Name, Regex Format, string Description);

    private static readonly Dictionary<string, Scheme> Schemes = new(StringComparer.Ordinal)
    {
        ["BE"] = new("instellingsnummer", FiveOrSixDigits(), "5 or 6 digits (Flemish instellingsnummer)"),
        ["HR"] = new("e-matica", Generic(), "the school's e-Matica code"),
        ["CZ"] = new("red-izo", NineDigits(), "9 digits (RED_IZO)"),
        ["HU"] = new("om-azonosito", SixDigits(), "6 digits (OM azonosító)"),
        ["IT"] = new("codice-meccanografico", ItalianCode(), "10 letters and digits starting with the province, e.g. RMIC8A5007"),
        ["PT"] = new("codigo-escola", SixDigits(), "6 digits (código de escola)"),
    };

    private static readonly Scheme Default = new("national", Generic(), "1 to 40 letters, digits, '-', '/' or '.'");

    public static string SchemeFor(string country) => (Schemes.GetValueOrDefault(country) ?? Default).Name;

    /// <summary>Trims and upper-cases, the form in which identifiers are stored and compared.</summary>
    public static string Normalise(string nationalId) => nationalId.Trim().ToUpperInvariant();

    /// <summary>Null when <paramref name="nationalId"/> (normalised) fits the country's scheme, otherwise why not.</summary>
    public static string? Check(string country, string nationalId)
    {
        var scheme = Schemes.GetValueOrDefault(country) ?? Default;
        return scheme.Format.IsMatch(nationalId) ? null : $"Must be {scheme.Description}.";
    }

    /// <summary>A school's identity as a request gives it: the country (required, European) and its identifier.</summary>
    public static (string Country, string NationalId) CheckIdentity(string? country, string? nationalId, IDictionary<string, string[]> errors)
    {
        var code = country?.Trim().ToUpperInvariant() ?? "";
        if (code.Length == 0) errors["country"] = ["Required."];
        else if (!Countries.IsEuropean(code)) errors["country"] = [Countries.Invalid];

        var id = Normalise(nationalId ?? "");
        if (id.Length == 0) errors["nationalId"] = ["Required."];
        else if (!errors.ContainsKey("country") && Check(code, id) is { } why) errors["nationalId"] = [why];
        return (code, id);
    }

    [GeneratedRegex(@"^\d{5,6}$")] private static partial Regex FiveOrSixDigits();
    [GeneratedRegex(@"^\d{6}$")] private static partial Regex SixDigits();
    [GeneratedRegex(@"^\d{9}$")] private static partial Regex NineDigits();
    [GeneratedRegex(@"^[A-Z]{2}[A-Z0-9]{8}$")] private static partial Regex ItalianCode();
    [GeneratedRegex(@"^[A-Z0-9][A-Z0-9\-/.]{0,39}$")] private static partial Regex Generic();
}

/// <summary>Field rules of a school's profile, shared by create and update.</summary>
public static partial class SchoolProfileRules
{
    public const int MaxPupils = 100_000;
    public const int MaxTeachers = 10_000;
    public const int MaxLanguages = 12;

    public static void Check(SchoolProfile profile, IDictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(profile.Name)) errors["name"] = ["Required."];
        else if (profile.Name.Length is < 2 or > 200) errors["name"] = ["Must be 2 to 200 characters."];

        if (profile.Region is { Length: > 100 }) errors["region"] = ["Must be at most 100 characters."];
        if (profile.City is { Length: > 100 }) errors["city"] = ["Must be at most 100 characters."];
        foreach (var (field, value) in new[] { ("name", profile.Name), ("region", profile.Region), ("city", profile.City) })
        {
            if (!SchoolText.IsOneLine(value)) errors.TryAdd(field, ["Must be one line: no line breaks, tabs or other control characters."]);
        }

        if (profile.Website is not null &&
            !WebAddress.IsValid(profile.Website, 300))
        {
            errors["website"] = ["Must be an absolute http or https URL of at most 300 characters."];
        }

        if (profile.ErasmusOid is not null && !ErasmusOid().IsMatch(profile.ErasmusOid))
        {
            errors["erasmusOid"] = ["Must be 'E' followed by 8 digits, e.g. E10203040."];
        }

        if (profile.EducationLevels.Count == 0) errors["educationLevels"] = ["At least one level is required."];
        else if (profile.EducationLevels.Distinct().Count() != profile.EducationLevels.Count) errors["educationLevels"] = ["Each level at most once."];

        if (profile.Pupils is < 0 or > MaxPupils) errors["pupils"] = [$"Must be between 0 and {MaxPupils}."];
        if (profile.Teachers is < 0 or > MaxTeachers) errors["teachers"] = [$"Must be between 0 and {MaxTeachers}."];

        if (profile.Languages.Count > MaxLanguages) errors["languages"] = [$"At most {MaxLanguages} languages."];
        else if (profile.Languages.Any(l => !LanguageCode().IsMatch(l)))
        {
            errors["languages"] = ["Each must be an ISO 639-1 code of two lower-case letters, e.g. 'nl'."];
        }
        else if (profile.Languages.Distinct().Count() != profile.Languages.Count) errors["languages"] = ["Each language at most once."];
    }

    [GeneratedRegex(@"^E\d{8}$")] private static partial Regex ErasmusOid();
    [GeneratedRegex(@"^[a-z]{2}$")] private static partial Regex LanguageCode();
}
