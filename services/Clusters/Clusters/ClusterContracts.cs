using System.Text.Json.Serialization;
using MenSI.ServiceDefaults.Http;

namespace MenSI.Clusters.Clusters;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateClusterRequest(
    string? Name,
    Guid? MentorSchoolId,
    Approach? Approach,
    Initiation? Initiation,
    Participation? Participation,
    IReadOnlyList<string>? FocusThemes,
    IReadOnlyList<IncentiveRequest>? Incentives)
{
    /// <summary>The draft, or null with <paramref name="errors"/> saying what is wrong with each field.</summary>
    public ClusterDraft? ToDraft(IDictionary<string, string[]> errors)
    {
        var name = Name?.Trim();
        if (string.IsNullOrEmpty(name)) errors["name"] = ["Required."];
        else if (name.Length > ClusterRules.MaxNameLength) errors["name"] = [$"Must be at most {ClusterRules.MaxNameLength} characters."];
        if (MentorSchoolId is null || MentorSchoolId == Guid.Empty) errors["mentorSchoolId"] = ["Required: the Registry's id of the mentor school."];
        if (Approach is null) errors["approach"] = [$"Required: one of {WireEnum.Values<Approach>()}."];
        if (Initiation is null) errors["initiation"] = [$"Required: one of {WireEnum.Values<Initiation>()}."];
        if (Participation is null) errors["participation"] = [$"Required: one of {WireEnum.Values<Participation>()}."];

        var themes = (FocusThemes ?? []).Select(t => t?.Trim() ?? "").ToList();
        if (themes.Count > ClusterRules.MaxFocusThemes) errors["focusThemes"] = [$"At most {ClusterRules.MaxFocusThemes} themes."];
        for (var i = 0; i < themes.Count; i++)
        {
            if (themes[i].Length is 0 or > ClusterRules.MaxFocusThemeLength) errors[$"focusThemes[{i}]"] = [$"Must be 1 to {ClusterRules.MaxFocusThemeLength} characters."];
        }

        if (themes.Distinct(StringComparer.OrdinalIgnoreCase).Count() != themes.Count) errors["focusThemes"] = ["Each theme once."];

        var incentives = Incentives ?? [];
        if (incentives.Count > ClusterRules.MaxIncentives) errors["incentives"] = [$"At most {ClusterRules.MaxIncentives} incentives."];
        for (var i = 0; i < incentives.Count; i++) incentives[i].Check($"incentives[{i}]", errors);

        return errors.Count > 0 ? null : new ClusterDraft(name!, Approach!.Value, Initiation!.Value, Participation!.Value, themes,
            [.. incentives.Select(i => new Incentive(i.Kind!.Value, i.Description!.Trim(), i.ValueEuro))]);
    }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record IncentiveRequest(IncentiveKind? Kind, string? Description, decimal? ValueEuro)
{
    public void Check(string field, IDictionary<string, string[]> errors)
    {
        if (Kind is null) errors[$"{field}.kind"] = [$"Required: one of {WireEnum.Values<IncentiveKind>()}."];
        if (string.IsNullOrWhiteSpace(Description)) errors[$"{field}.description"] = ["Required."];
        else if (Description.Trim().Length > ClusterRules.MaxIncentiveDescriptionLength) errors[$"{field}.description"] = [$"Must be at most {ClusterRules.MaxIncentiveDescriptionLength} characters."];
        if (ValueEuro is < 0 or > 10_000_000) errors[$"{field}.valueEuro"] = ["Must be between 0 and 10,000,000 euro."];
    }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record AddMenteeRequest(Guid? SchoolId);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record EndClusterRequest(string? Reason);

public sealed record ClusterMemberResponse(Guid SchoolId, MemberRole Role, DateTimeOffset JoinedAt, DateTimeOffset? LeftAt, MemberFlag Flag)
{
    public static ClusterMemberResponse Of(ClusterMember m) => new(m.SchoolId, m.Role, m.JoinedAt, m.LeftAt, m.Flag);
}

public sealed record ActivityTotals(int Count, decimal ParticipantHours, decimal StaffHours, decimal CostEuro);

/// <param name="Members">Current schools first (mentor, then mentees by joining), then former ones with why they left.</param>
/// <param name="FlaggedSchools">Current schools the Registry suspended or withdrew: for the coordinators to act on.</param>
public sealed record ClusterResponse(
    Guid Id, string Name, string Country, bool CrossBorder, Guid MentorSchoolId, Approach Approach, Initiation Initiation,
    Participation Participation, IReadOnlyList<string> FocusThemes, IReadOnlyList<Incentive> Incentives, ClusterStatus Status,
    DateOnly FormedOn, DateOnly? ActivatedOn, DateOnly? EndedOn, string? EndReason, IReadOnlyList<ClusterMemberResponse> Members,
    IReadOnlyList<Guid> FlaggedSchools, ActivityTotals Activities, int Version)
{
    public static ClusterResponse Of(Cluster c) => new(
        c.Id, c.Name, c.Country, c.CrossBorder, c.MentorSchoolId, c.Approach, c.Initiation, c.Participation, c.FocusThemes,
        c.Incentives, c.Status, c.FormedOn, c.ActivatedOn, c.EndedOn, c.EndReason,
        [.. c.Members.OrderBy(m => m.LeftAt is not null).ThenBy(m => m.Role).ThenBy(m => m.JoinedAt).Select(ClusterMemberResponse.Of)],
        [.. c.CurrentMembers.Where(m => m.Flag != MemberFlag.None).Select(m => m.SchoolId)],
        new ActivityTotals(c.ActivityCount, c.ParticipantHours, c.StaffHours, c.CostEuro), c.Version);
}

public sealed record ClusterListQuery(string? Country, string? Status, string? Approach, Guid? SchoolId, int? Page, int? PageSize);
