using System.Globalization;
using MenSI.Registry.Schools;
using MenSI.ServiceDefaults.Http;

namespace MenSI.Registry.Imports;

/// <summary>A valid row: the school's national identifier and profile.</summary>
public sealed record ImportedSchool(int Line, string NationalId, SchoolProfile Profile);

public sealed record RowError(int Line, string Field, string Reason);

/// <summary>The same rules as the API's registration, applied row by row, with every reason kept.</summary>
public static class ImportValidation
{
    public static ImportedSchool? Check(ImportRow row, string country, List<RowError> errors)
    {
        var found = new Dictionary<string, string[]>();
        foreach (var field in row.UnknownFields) found[field] = ["Not a column of the import format."];
        foreach (var (field, reason) in row.Invalid) found[field] = [reason];

        var nationalId = NationalIds.Normalise(row["nationalId"] ?? "");
        if (nationalId.Length == 0) found["nationalId"] = ["Required."];
        else if (NationalIds.Check(country, nationalId) is { } why) found["nationalId"] = [why];
        var scheme = NationalIds.SchemeFor(country);
        if (row["nationalIdScheme"] is { } given && !string.Equals(given.Trim(), scheme, StringComparison.OrdinalIgnoreCase))
            found["nationalIdScheme"] = [$"Schools of {country} use the scheme {scheme}."];

        var levels = new List<EducationLevel>();
        foreach (var level in List(row["educationLevels"]))
        {
            if (WireEnum.TryParse<EducationLevel>(level, out var parsed)) levels.Add(parsed);
            else found["educationLevels"] = [$"'{level}' is not one of {string.Join(", ", Enum.GetValues<EducationLevel>().Select(l => WireEnum.Name(l)))}."];
        }

        var pupils = Number(row["pupils"], "pupils", found);
        var teachers = Number(row["teachers"], "teachers", found);
        var profile = new SchoolProfile(
            SchoolText.Clean(row["name"]) ?? "", SchoolText.Clean(row["region"]), SchoolText.Clean(row["city"]), SchoolText.Clean(row["website"]),
            SchoolText.Clean(row["erasmusOid"])?.ToUpperInvariant(), levels, pupils, teachers, List(row["languages"]));
        var profileErrors = new Dictionary<string, string[]>();
        SchoolProfileRules.Check(profile, profileErrors);
        foreach (var (field, reasons) in profileErrors) found.TryAdd(field, reasons);

        foreach (var (field, reasons) in found.OrderBy(f => f.Key, StringComparer.Ordinal)) errors.Add(new RowError(row.Line, field, reasons[0]));
        return found.Count == 0 ? new ImportedSchool(row.Line, nationalId, profile) : null;
    }

    private static List<string> List(string? value) =>
        value is null ? [] : value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static int? Number(string? value, string field, Dictionary<string, string[]> found)
    {
        if (value is null) return null;
        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)) return number;
        found[field] = ["Must be a whole number."];
        return null;
    }
}
