using MenSI.ServiceDefaults;

namespace MenSI.Registry.Contacts;

/// <summary>A contact person needs a name, an email and, before anything is stored, their consent to being contacted.</summary>
public static class ContactRules
{
    public const int MaxNameLength = 150;
    public const int MaxEmailLength = EmailAddresses.MaxLength;
    public const int MaxFunctionLength = 100;

    public static void Check(string prefix, string? name, string? email, string? function, bool? consent, IDictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(name)) errors[prefix + "name"] = ["Required."];
        else if (name.Trim().Length > MaxNameLength) errors[prefix + "name"] = [$"Must be at most {MaxNameLength} characters."];
        var address = email?.Trim() ?? "";
        if (address.Length == 0) errors[prefix + "email"] = ["Required."];
        else if (!EmailAddresses.IsValid(address)) errors[prefix + "email"] = ["Must be a single email address."];
        if (function is { Length: > MaxFunctionLength }) errors[prefix + "function"] = [$"Must be at most {MaxFunctionLength} characters."];
        if (consent != true) errors[prefix + "consent"] = ["The person must consent to being contacted before their details are stored."];
    }
}
