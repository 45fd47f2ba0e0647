namespace MenSI.ServiceDefaults;

/// <summary>The licences courses and shared resources carry, by SPDX id: the Creative Commons family, and all rights reserved.</summary>
public static class Licences
{
    public static readonly IReadOnlyList<string> Known =
        ["CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-4.0", "CC-BY-NC-SA-4.0", "CC-BY-ND-4.0", "CC-BY-NC-ND-4.0", "CC0-1.0", "all-rights-reserved"];

    /// <summary>The licence, or null with the field's error (its letter case as SPDX writes it).</summary>
    public static string? Check(string? licence, string field, IDictionary<string, string[]> errors)
    {
        if (licence is not null && Known.Contains(licence)) return licence;
        errors[field] = [$"Required: one of {string.Join(", ", Known)}."];
        return null;
    }
}
