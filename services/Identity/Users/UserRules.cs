using MenSI.ServiceDefaults;
using MenSI.ServiceDefaults.Security;

namespace MenSI.Identity.Users;

/// <summary>What makes a user valid: a reachable-looking email, a name, known roles, and the scope each role needs.</summary>
public static class UserRules
{
    public const int MaxEmailLength = EmailAddresses.MaxLength;
    public const int MaxDisplayNameLength = 100;
    public const int MinPasswordLength = 12;
    public const int MaxPasswordLength = 128;

    public static void CheckEmail(string? email, IDictionary<string, string[]> errors)
    {
        var value = email?.Trim() ?? "";
        if (value.Length == 0) errors["email"] = ["Required."];
        else if (!EmailAddresses.IsValid(value)) errors["email"] = ["Must be a single email address."];
    }

    public static void CheckPassword(string? password, IDictionary<string, string[]> errors, bool required)
    {
        if (password is null)
        {
            if (required) errors["password"] = ["Required."];
            return;
        }

        if (password.Length is < MinPasswordLength or > MaxPasswordLength)
            errors["password"] = [$"Must be {MinPasswordLength} to {MaxPasswordLength} characters."];
    }

    /// <summary>Validates and normalises the details; null when there are errors (they are in <paramref name="errors"/>).</summary>
    public static UserDetails? Check(string? displayName, IReadOnlyList<string>? roles, string? country, Guid? schoolId, IDictionary<string, string[]> errors)
    {
        var name = displayName?.Trim() ?? "";
        if (name.Length == 0) errors["displayName"] = ["Required."];
        else if (name.Length > MaxDisplayNameLength) errors["displayName"] = [$"Must be at most {MaxDisplayNameLength} characters."];

        var distinctRoles = (roles ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (distinctRoles.Count == 0) errors["roles"] = [$"At least one of: {string.Join(", ", Roles.All)}."];
        else if (distinctRoles.FirstOrDefault(r => !Roles.All.Contains(r)) is { } unknown)
            errors["roles"] = [$"'{unknown}' is not a role; the roles are {string.Join(", ", Roles.All)}."];

        var code = string.IsNullOrWhiteSpace(country) ? null : country.Trim().ToUpperInvariant();
        var isOfficer = distinctRoles.Contains(Roles.MinistryOfficer);
        if (isOfficer && code is null) errors["country"] = ["Required for a ministry officer: the country it acts for."];
        else if (!isOfficer && code is not null) errors["country"] = ["Only ministry officers act for a country."];
        else if (code is not null && !Countries.IsEuropean(code)) errors["country"] = [Countries.Invalid];

        // A coordinator acts for its school; a teacher may name the school it teaches at (its courses count for that
        // school's country), which gives it no power over the school.
        var isCoordinator = distinctRoles.Contains(Roles.SchoolCoordinator);
        var mayHaveSchool = isCoordinator || distinctRoles.Contains(Roles.Teacher);
        if (isCoordinator && schoolId is null) errors["schoolId"] = ["Required for a school coordinator: the school it acts for."];
        else if (!mayHaveSchool && schoolId is not null) errors["schoolId"] = ["Only school coordinators and teachers belong to a school."];

        return errors.Count == 0 ? new UserDetails(name, distinctRoles, code, schoolId) : null;
    }
}
