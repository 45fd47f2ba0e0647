namespace MenSI.ServiceDefaults;

/// <summary>The one check for the web links people give (a school's website, evidence, resources, join links).</summary>
public static class WebAddress
{
    /// <summary>Whether <paramref name="value"/> is an absolute http or https address (https only, if asked) of at most <paramref name="maxLength"/> characters.</summary>
    public static bool IsValid(string? value, int maxLength, bool httpsOnly = false) => TryParse(value, maxLength, out _, httpsOnly);

    public static bool TryParse(string? value, int maxLength, out Uri address, bool httpsOnly = false)
    {
        address = null!;
        return value is { Length: > 0 } && value.Length <= maxLength && Uri.TryCreate(value, UriKind.Absolute, out address!)
               && (address.Scheme == Uri.UriSchemeHttps || (!httpsOnly && address.Scheme == Uri.UriSchemeHttp));
    }
}
