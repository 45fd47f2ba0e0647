namespace MenSI.ServiceDefaults.Http;

/// <summary>
/// Enum values as the API writes them (kebab-case: <c>lower-secondary</c>), for query parameters, which minimal APIs
/// would otherwise bind only by the C# name.
/// </summary>
public static class WireEnum
{
    public static bool TryParse<TEnum>(string? value, out TEnum result) where TEnum : struct, Enum
    {
        result = default;
        return value is not null
               && !value.Any(char.IsDigit) // numbers are not values on the wire
               && Enum.TryParse(value.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out result)
               && Enum.IsDefined(result);
    }

    public static string Values<TEnum>() where TEnum : struct, Enum =>
        string.Join(", ", Enum.GetNames<TEnum>().Select(n => Contracts.EventNames.ToKebabCase(n)));

    /// <summary>Parses an optional filter; on a bad value adds a field error naming the allowed values.</summary>
    public static TEnum? ParseFilter<TEnum>(string? value, string field, IDictionary<string, string[]> errors) where TEnum : struct, Enum
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (TryParse<TEnum>(value, out var parsed)) return parsed;
        errors[field] = [$"Must be one of: {Values<TEnum>()}."];
        return null;
    }
}
