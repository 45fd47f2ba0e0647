using MenSI.Registry.Schools;

namespace MenSI.Registry.Membership;

/// <summary>
/// How a school moves through the network. Status: an applicant is accepted (active) or withdraws; an active school
/// can be suspended or withdraw; a suspended one is reinstated or withdraws; a withdrawn school comes back only by
/// applying again. A network role (mentor, mentee) is held by a school that has not withdrawn.
/// </summary>
public static class MembershipRules
{
    public const int MaxReasonLength = 500;

    private static readonly Dictionary<SchoolStatus, SchoolStatus[]> Allowed = new()
    {
        [SchoolStatus.Applicant] = [SchoolStatus.Active, SchoolStatus.Withdrawn],
        [SchoolStatus.Active] = [SchoolStatus.Suspended, SchoolStatus.Withdrawn],
        [SchoolStatus.Suspended] = [SchoolStatus.Active, SchoolStatus.Withdrawn],
        [SchoolStatus.Withdrawn] = [SchoolStatus.Applicant],
    };

    public static IReadOnlyList<SchoolStatus> NextStatuses(SchoolStatus from) => Allowed[from];

    /// <summary>Why the move is not allowed, or null when it is.</summary>
    public static string? WhyNotStatus(SchoolStatus from, SchoolStatus to) =>
        from == to ? $"The school is already {Wire(to)}."
        : Allowed[from].Contains(to) ? null
        : $"A school cannot go from {Wire(from)} to {Wire(to)}; from {Wire(from)} it can go to {string.Join(" or ", Allowed[from].Select(Wire))}.";

    public static string? WhyNotRole(SchoolStatus status, NetworkRole from, NetworkRole to) =>
        from == to ? $"The school's role is already {Wire(to)}."
        : status == SchoolStatus.Withdrawn && to != NetworkRole.None ? "A withdrawn school holds no network role; it must apply again first."
        : null;

    public static void CheckReason(string? reason, IDictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(reason)) errors["reason"] = ["Required: say why, for the school's history."];
        else if (reason.Trim().Length > MaxReasonLength) errors["reason"] = [$"Must be at most {MaxReasonLength} characters."];
    }

    private static string Wire<T>(T value) where T : struct, Enum => MenSI.ServiceDefaults.Http.WireEnum.Name(value);
}
