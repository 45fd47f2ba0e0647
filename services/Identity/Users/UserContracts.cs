using System.Text.Json.Serialization;

namespace MenSI.Identity.Users;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public class UserDetailsRequest
{
    public string? DisplayName { get; init; }
    /// <summary>One or more of network-admin, ministry-officer, school-coordinator, teacher.</summary>
    public List<string>? Roles { get; init; }
    /// <summary>For ministry officers: the country they act for (ISO 3166-1 alpha-2).</summary>
    public string? Country { get; init; }
    /// <summary>For school coordinators: the Registry id of their school.</summary>
    public Guid? SchoolId { get; init; }
    /// <summary>On update, a new password (optional); on create, required.</summary>
    public string? Password { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class CreateUserRequest : UserDetailsRequest
{
    public string? Email { get; init; }
}

public sealed record UserResponse(
    Guid Id, string Email, string DisplayName, IReadOnlyList<string> Roles, string? Country, Guid? SchoolId,
    DateTimeOffset? LockedUntil, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static UserResponse From(User u) =>
        new(u.Id, u.Email, u.DisplayName, u.Roles, u.Country, u.SchoolId, u.LockedUntil, u.CreatedAt, u.UpdatedAt);
}

public sealed record UserListQuery(int? Page, int? PageSize, string? Role, string? Country, string? Email);
