namespace MenSI.ServiceDefaults.Http;

/// <summary>
/// Enum values as the API and the events write them (kebab-case: <c>lower-secondary</c>): the same naming policy as the
/// JSON converter in <see cref="ServiceDefaultsExtensions.ConfigureJson"/>, so a value reads the same everywhere. Also
/// parses query parameters, which minimal APIs would otherwise bind only by the C# name.
/// </summary>
public static class WireEnum
{
    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum =>
        System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    /// <summary>Only the wire name itself (<c>lower-secondary</c>): not the C# name, another case, or a number.</summary>
    public static bool TryParse<TEnum>(string? value, out TEnum result) where TEnum : struct, Enum
    {
        result = default;
        return value is not null
               && !value.Any(char.IsDigit) // numbers are not values on the wire
               && Enum.TryParse(value.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out result)
               && Enum.IsDefined(result)
               && Name(result) == value;
    }

    public static string Values<TEnum>() where TEnum : struct, Enum =>
        string.Join(", ", Enum.GetValues<TEnum>().Select(Name));

    /// <summary>Parses an optional filter; on a bad value adds a field error naming the allowed values.</summary>
    public static TEnum? ParseFilter<TEnum>(string? value, string field, IDictionary<string, string[]> errors) where TEnum : struct, Enum
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (TryParse<TEnum>(value, out var parsed)) return parsed;
        errors[field] = [$"Must be one of: {Values<TEnum>()}."];
        return null;
    }
}
