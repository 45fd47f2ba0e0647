namespace MenSI.ServiceDefaults;

/// <summary>The countries the platform knows (schools, ministry officers, machine clients): the six MenSI countries first, then the rest of Europe.</summary>
public static class Countries
{
    public static readonly IReadOnlyList<string> MenSI = ["BE", "HR", "CZ", "HU", "IT", "PT"];

    public static readonly IReadOnlySet<string> European = new HashSet<string>(StringComparer.Ordinal)
    {
        "AD", "AL", "AM", "AT", "AZ", "BA", "BE", "BG", "BY", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FO", "FR",
        "GB", "GE", "GI", "GR", "HR", "HU", "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MC", "MD", "ME", "MK", "MT", "NL",
        "NO", "PL", "PT", "RO", "RS", "SE", "SI", "SK", "SM", "TR", "UA", "VA", "XK",
    };

    /// <summary>The one message for a country that is not one of <see cref="European"/>.</summary>
    public const string Invalid = "Must be an ISO 3166-1 alpha-2 code of a European country, e.g. HU.";

    public static bool IsEuropean(string? code) => code is not null && European.Contains(code);
}
