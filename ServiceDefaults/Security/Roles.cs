namespace MenSI.ServiceDefaults.Security;

/// <summary>The platform's roles (DESIGN.md, security model). Tokens carry them in the <c>role</c> claim.</summary>
public static class Roles
{
    public const string NetworkAdmin = "network-admin";
    public const string MinistryOfficer = "ministry-officer";
    public const string SchoolCoordinator = "school-coordinator";
    public const string Teacher = "teacher";
    /// <summary>Network-wide author of the MOOC: creates courses, their runs and quizzes, and reads every course's analytics.</summary>
    public const string CourseManager = "course-manager";

    public static readonly IReadOnlyList<string> All = [NetworkAdmin, MinistryOfficer, SchoolCoordinator, Teacher, CourseManager];
}

/// <summary>The claims of MenSI access tokens, as they appear in the JWT (never remapped to .NET's long URIs).</summary>
public static class MenSIClaims
{
    public const string Subject = "sub";
    public const string Role = "role";
    public const string Country = "country";
    public const string SchoolId = "school_id";
}

/// <summary>
/// Named authorization policies: the coarse "who may call this route at all" used by endpoints and by the gateway's
/// routes. Whose data a caller may touch (its country, its school) is decided per resource by <see cref="Caller"/>.
/// </summary>
public static class Policies
{
    /// <summary>YARP's keyword for a route open to everyone; endpoints say <c>AllowAnonymous()</c>.</summary>
    public const string Anonymous = "anonymous";
    public const string NetworkAdmin = "network-admin";
    /// <summary>Network admins and ministry officers.</summary>
    public const string Ministry = "ministry";
    /// <summary>Network admins, ministry officers and school coordinators: the people who change school data.</summary>
    public const string SchoolStaff = "school-staff";
    /// <summary>Network admins and course managers: who authors courses and manages their runs.</summary>
    public const string CourseAuthors = "course-authors";
    /// <summary>Any signed-in caller with a platform role.</summary>
    public const string Member = "member";

    internal static readonly IReadOnlyDictionary<string, string[]> RolesOf = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [NetworkAdmin] = [Roles.NetworkAdmin],
        [Ministry] = [Roles.NetworkAdmin, Roles.MinistryOfficer],
        [SchoolStaff] = [Roles.NetworkAdmin, Roles.MinistryOfficer, Roles.SchoolCoordinator],
        [CourseAuthors] = [Roles.NetworkAdmin, Roles.CourseManager],
        [Member] = [.. Roles.All],
    };
}
