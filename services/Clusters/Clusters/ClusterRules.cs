using MenSI.Clusters.Schools;
using MenSI.ServiceDefaults.Http;

namespace MenSI.Clusters.Clusters;

/// <summary>
/// DESIGN.md's cluster rules, as pure functions of what Clusters knows (the school snapshots from the Registry's events
/// and the cluster): each returns the broken rule, named, or null. Endpoints and the event reactions share them.
/// </summary>
public static class ClusterRules
{
    public const int MaxNameLength = 200;
    public const int MaxReasonLength = 500;
    public const int MaxFocusThemes = 10;
    public const int MaxFocusThemeLength = 100;
    public const int MaxIncentives = 20;
    public const int MaxIncentiveDescriptionLength = 500;

    private static readonly Dictionary<ClusterStatus, ClusterStatus[]> Moves = new()
    {
        [ClusterStatus.Forming] = [ClusterStatus.Active, ClusterStatus.Dissolved],
        [ClusterStatus.Active] = [ClusterStatus.Completed, ClusterStatus.Dissolved],
        [ClusterStatus.Completed] = [],
        [ClusterStatus.Dissolved] = [],
    };

    public static RuleViolation? WhyNotMentor(SchoolSnapshot? school) => school switch
    {
        null => Unknown("mentorSchoolId"),
        { Status: not SchoolStatus.Active } => new("mentor-must-be-active", $"The mentor school is {Wire(school.Status)} in the Registry; only an active school can mentor."),
        { Role: not SchoolRole.Mentor } => new("mentor-must-have-mentor-role", $"The school's network role is {Wire(school.Role)}; the Registry must assign it the mentor role first."),
        _ => null,
    };

    /// <param name="otherActiveCluster">The active cluster (other than this one) the school is a mentee of, if any.</param>
    public static RuleViolation? WhyNotMentee(Cluster cluster, SchoolSnapshot? school, Guid? otherActiveCluster, int maxMentees)
    {
        if (!cluster.IsOpen) return Closed(cluster);
        if (school is null) return Unknown("schoolId");
        if (cluster.CurrentMember(school.SchoolId) is not null) return new("already-a-member", "The school is already in this cluster.");
        if (!school.IsActive) return new("mentee-must-be-active", $"The school is {Wire(school.Status)} in the Registry; only an active school can be a mentee.");
        if (school.Role != SchoolRole.Mentee) return new("mentee-must-have-mentee-role", $"The school's network role is {Wire(school.Role)}; the Registry must assign it the mentee role first.");
        if (school.Country != cluster.Country && cluster.Approach != Approach.Virtual)
        {
            return new("cross-border-only-virtual", $"The school is in {school.Country} and the cluster in {cluster.Country}; only virtual clusters cross borders.");
        }

        if (cluster.CurrentMentees.Count() >= maxMentees) return new("max-mentees", $"The cluster already has the maximum of {maxMentees} mentee schools.");
        if (cluster.Status == ClusterStatus.Active && otherActiveCluster is { } other) return InAnotherActiveCluster(school.SchoolId, other);
        return null;
    }

    public static RuleViolation? WhyNotRemove(Cluster cluster, Guid schoolId)
    {
        if (!cluster.IsOpen) return Closed(cluster);
        return cluster.CurrentMember(schoolId) switch
        {
            null => new("not-a-member", "The school is not in this cluster."),
            { Role: MemberRole.Mentor } => new("mentor-stays", "The mentor school cannot leave its cluster; dissolve the cluster instead."),
            _ => null,
        };
    }

    /// <param name="snapshots">The snapshots of the cluster's current schools.</param>
    /// <param name="busyMentees">Mentees of this cluster that are mentees of another active cluster, with that cluster.</param>
    public static RuleViolation? WhyNotActivate(Cluster cluster, IReadOnlyDictionary<Guid, SchoolSnapshot> snapshots, IReadOnlyDictionary<Guid, Guid> busyMentees)
    {
        if (WhyNotMove(cluster, ClusterStatus.Active) is { } move) return move;
        if (!cluster.CurrentMentees.Any()) return new("activation-needs-a-mentee", "A cluster cannot become active without a mentee school.");
        if (WhyNotMentor(snapshots.GetValueOrDefault(cluster.MentorSchoolId)) is { } mentor) return mentor;
        foreach (var mentee in cluster.CurrentMentees)
        {
            if (snapshots.GetValueOrDefault(mentee.SchoolId) is not { IsActive: true })
            {
                return new("mentee-must-be-active", $"Mentee school {mentee.SchoolId} is no longer active in the Registry; remove it first.");
            }

            if (busyMentees.TryGetValue(mentee.SchoolId, out var other)) return InAnotherActiveCluster(mentee.SchoolId, other);
        }

        return null;
    }

    public static RuleViolation? WhyNotMove(Cluster cluster, ClusterStatus to) =>
        Moves[cluster.Status].Contains(to) ? null
        : new("cluster-status-transitions", Moves[cluster.Status].Length == 0
            ? $"The cluster is {Wire(cluster.Status)}; it cannot change any more."
            : $"A cluster cannot go from {Wire(cluster.Status)} to {Wire(to)}; from {Wire(cluster.Status)} it can go to {string.Join(" or ", Moves[cluster.Status].Select(Wire))}.");

    /// <summary>
    /// What happens to a school of a cluster when the Registry suspends or withdraws it (or reinstates it) at
    /// <paramref name="changedAt"/>. A change from before the school joined is history (a late or replayed event): nothing.
    /// </summary>
    public static SchoolReaction ReactionTo(Cluster cluster, ClusterMember member, SchoolStatus status, DateTimeOffset changedAt)
    {
        if (changedAt < member.JoinedAt) return SchoolReaction.Nothing;
        var flag = FlagFor(status);
        if (flag == MemberFlag.None) return member.Flag is MemberFlag.SchoolSuspended or MemberFlag.SchoolWithdrawn ? SchoolReaction.ClearFlag : SchoolReaction.Nothing;
        // A forming cluster lets the mentee go (it has not started); an active one keeps its work and asks its coordinators.
        // The mentor cannot leave: its cluster is flagged until someone reinstates, replaces or dissolves.
        if (cluster.Status == ClusterStatus.Forming && member.Role == MemberRole.Mentee) return SchoolReaction.Leave;
        return member.Flag == flag ? SchoolReaction.Nothing : SchoolReaction.Flag;
    }

    public static MemberFlag FlagFor(SchoolStatus status) =>
        status == SchoolStatus.Withdrawn ? MemberFlag.SchoolWithdrawn : status == SchoolStatus.Suspended ? MemberFlag.SchoolSuspended : MemberFlag.None;

    public static void CheckReason(string? reason, IDictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(reason)) errors["reason"] = ["Required: say why, for the cluster's record."];
        else if (reason.Trim().Length > MaxReasonLength) errors["reason"] = [$"Must be at most {MaxReasonLength} characters."];
    }

    private static RuleViolation Unknown(string field) =>
        new("school-unknown", $"Clusters has no record of the school in {field}: the Registry has not announced it (or its events have not arrived yet).",
            Microsoft.AspNetCore.Http.StatusCodes.Status422UnprocessableEntity);

    private static RuleViolation Closed(Cluster cluster) =>
        new("cluster-closed", $"The cluster is {Wire(cluster.Status)}; its schools can no longer change.");

    private static RuleViolation InAnotherActiveCluster(Guid schoolId, Guid otherCluster) =>
        new("one-active-cluster-per-mentee", $"Mentee school {schoolId} is already in active cluster {otherCluster}.");

    private static string Wire<T>(T value) where T : struct, Enum => WireEnum.Name(value);
}

public enum SchoolReaction { Nothing, Leave, Flag, ClearFlag }
