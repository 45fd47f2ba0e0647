using System.Reflection;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace MenSI.ServiceDefaults.Security;

/// <summary>
/// Who is calling, read from the validated token: the resource-level rules of the security model in one place.
/// Endpoints take it as a parameter (<c>Caller caller</c>); it binds from the request's user.
/// </summary>
public sealed record Caller(string? Subject, IReadOnlySet<string> Roles, string? Country, Guid? SchoolId)
{
    public static readonly Caller Anonymous = new(null, new HashSet<string>(), null, null);

    public bool IsAuthenticated => Subject is not null;
    public bool IsNetworkAdmin => Roles.Contains(Security.Roles.NetworkAdmin);
    public bool IsCourseAuthor => IsNetworkAdmin || Roles.Contains(Security.Roles.CourseManager);

    /// <summary>A person's id: users' subjects are UUIDs, machine clients' never are (Identity refuses such client ids).</summary>
    public Guid? UserId => Guid.TryParse(Subject, out var id) ? id : null;

    public bool IsMinistryOfficerOf(string country) =>
        Roles.Contains(Security.Roles.MinistryOfficer) && string.Equals(Country, country, StringComparison.OrdinalIgnoreCase);

    public bool IsCoordinatorOf(Guid schoolId) => Roles.Contains(Security.Roles.SchoolCoordinator) && SchoolId == schoolId;

    /// <summary>Network admins everywhere; a ministry officer in its own country only.</summary>
    public bool MayManageCountry(string country) => IsNetworkAdmin || IsMinistryOfficerOf(country);

    /// <summary>Whoever manages the school's country, and the school's own coordinator.</summary>
    public bool MayEditSchool(Guid schoolId, string country) => MayManageCountry(country) || IsCoordinatorOf(schoolId);

    /// <summary>For logs: the subject is an opaque id (a user's UUID or a client id), never a name or an email.</summary>
    public override string ToString() => IsAuthenticated ? $"{Subject} ({string.Join(",", Roles.Order(StringComparer.Ordinal))})" : "anonymous";

    public static Caller From(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true) return Anonymous;
        var roles = user.FindAll(MenSIClaims.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        var schoolId = Guid.TryParse(user.FindFirst(MenSIClaims.SchoolId)?.Value, out var id) ? id : (Guid?)null;
        return new Caller(user.FindFirst(MenSIClaims.Subject)?.Value ?? "unknown", roles, user.FindFirst(MenSIClaims.Country)?.Value, schoolId);
    }

    /// <summary>Minimal APIs bind parameters of this type from the request's user.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context, ParameterInfo parameter) => ValueTask.FromResult<Caller?>(From(context.User));
}
