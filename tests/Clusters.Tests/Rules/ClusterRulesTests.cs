using MenSI.Clusters.Activities;
using MenSI.Clusters.Clusters;
using MenSI.Clusters.Schools;
using Xunit;

namespace MenSI.Clusters.Tests.Rules;

/// <summary>Every cluster rule of DESIGN.md, on the pure functions the endpoints and event reactions share (no servers).</summary>
public class ClusterRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private const int Max = 4;

    private static SchoolSnapshot School(SchoolRole role, SchoolStatus status = SchoolStatus.Active, string country = "HU")
    {
        var school = SchoolSnapshot.Empty(Guid.CreateVersion7(), country);
        school.ApplyMembership(country, role, status, 1, Now);
        return school;
    }

    private static Cluster Forming(Approach approach = Approach.TopDown, SchoolSnapshot? mentor = null)
    {
        mentor ??= School(SchoolRole.Mentor);
        var draft = new ClusterDraft("Klaszter", approach, Initiation.Ministry, Participation.Voluntary, [], []);
        return Cluster.Form(draft, mentor.SchoolId, mentor.Country, Now).Item1;
    }

    private static Cluster WithMentees(int count, Approach approach = Approach.TopDown)
    {
        var cluster = Forming(approach);
        for (var i = 0; i < count; i++) cluster.AddMentee(Guid.CreateVersion7(), "HU", Now);
        return cluster;
    }

    [Fact]
    public void The_mentor_is_an_active_school_with_the_mentor_role()
    {
        Assert.Null(ClusterRules.WhyNotMentor(School(SchoolRole.Mentor)));
        Assert.Equal("school-unknown", ClusterRules.WhyNotMentor(null)!.Rule);
        Assert.Equal(422, ClusterRules.WhyNotMentor(null)!.Status);
        Assert.Equal("mentor-must-be-active", ClusterRules.WhyNotMentor(School(SchoolRole.Mentor, SchoolStatus.Suspended))!.Rule);
        Assert.Equal("mentor-must-be-active", ClusterRules.WhyNotMentor(School(SchoolRole.Mentor, SchoolStatus.Applicant))!.Rule);
        Assert.Equal("mentor-must-have-mentor-role", ClusterRules.WhyNotMentor(School(SchoolRole.Mentee))!.Rule);
        Assert.Equal("mentor-must-have-mentor-role", ClusterRules.WhyNotMentor(School(SchoolRole.None))!.Rule);
    }

    [Fact]
    public void A_mentee_is_an_active_school_with_the_mentee_role()
    {
        var cluster = Forming();
        Assert.Null(ClusterRules.WhyNotMentee(cluster, School(SchoolRole.Mentee), null, Max));
        Assert.Equal("school-unknown", ClusterRules.WhyNotMentee(cluster, null, null, Max)!.Rule);
        Assert.Equal("mentee-must-be-active", ClusterRules.WhyNotMentee(cluster, School(SchoolRole.Mentee, SchoolStatus.Withdrawn), null, Max)!.Rule);
        Assert.Equal("mentee-must-have-mentee-role", ClusterRules.WhyNotMentee(cluster, School(SchoolRole.Mentor), null, Max)!.Rule);
    }

    [Fact]
    public void A_school_joins_a_cluster_once()
    {
        var cluster = Forming();
        var school = School(SchoolRole.Mentee);
        cluster.AddMentee(school.SchoolId, "HU", Now);
        Assert.Equal("already-a-member", ClusterRules.WhyNotMentee(cluster, school, null, Max)!.Rule);
    }

    [Fact]
    public void The_number_of_mentees_has_a_configurable_maximum()
    {
        Assert.Null(ClusterRules.WhyNotMentee(WithMentees(Max - 1), School(SchoolRole.Mentee), null, Max));
        Assert.Equal("max-mentees", ClusterRules.WhyNotMentee(WithMentees(Max), School(SchoolRole.Mentee), null, Max)!.Rule);
        Assert.Null(ClusterRules.WhyNotMentee(WithMentees(Max), School(SchoolRole.Mentee), null, Max + 1));
    }

    [Theory]
    [InlineData(Approach.TopDown, "cross-border-only-virtual")]
    [InlineData(Approach.BottomUp, "cross-border-only-virtual")]
    [InlineData(Approach.Hybrid, "cross-border-only-virtual")]
    [InlineData(Approach.Virtual, null)]
    public void Only_virtual_clusters_cross_borders(Approach approach, string? rule)
    {
        var cluster = Forming(approach);
        Assert.Equal(rule, ClusterRules.WhyNotMentee(cluster, School(SchoolRole.Mentee, country: "HR"), null, Max)?.Rule);
        Assert.False(cluster.CrossBorder);
        if (rule is null)
        {
            cluster.AddMentee(Guid.CreateVersion7(), "HR", Now);
            Assert.True(cluster.CrossBorder);
        }
    }

    [Fact]
    public void A_mentee_is_in_at_most_one_active_cluster()
    {
        var busyIn = Guid.CreateVersion7();
        // Forming clusters may line up a mentee that is busy elsewhere; activation decides.
        Assert.Null(ClusterRules.WhyNotMentee(Forming(), School(SchoolRole.Mentee), busyIn, Max));
        var active = WithMentees(1);
        active.Activate(Now);
        Assert.Equal("one-active-cluster-per-mentee", ClusterRules.WhyNotMentee(active, School(SchoolRole.Mentee), busyIn, Max)!.Rule);

        var forming = Forming();
        var mentee = School(SchoolRole.Mentee);
        forming.AddMentee(mentee.SchoolId, "HU", Now);
        var snapshots = Snapshots(forming, mentee);
        Assert.Equal("one-active-cluster-per-mentee",
            ClusterRules.WhyNotActivate(forming, snapshots, new Dictionary<Guid, Guid> { [mentee.SchoolId] = busyIn })!.Rule);
        Assert.Null(ClusterRules.WhyNotActivate(forming, snapshots, new Dictionary<Guid, Guid>()));
    }

    [Fact]
    public void No_activation_without_a_mentee()
    {
        var cluster = Forming();
        Assert.Equal("activation-needs-a-mentee", ClusterRules.WhyNotActivate(cluster, Snapshots(cluster), new Dictionary<Guid, Guid>())!.Rule);
    }

    [Fact]
    public void Activation_checks_the_schools_are_still_active()
    {
        var cluster = Forming();
        var mentee = School(SchoolRole.Mentee);
        cluster.AddMentee(mentee.SchoolId, "HU", Now);
        mentee.ApplyMembership("HU", SchoolRole.Mentee, SchoolStatus.Suspended, 2, Now);
        Assert.Equal("mentee-must-be-active", ClusterRules.WhyNotActivate(cluster, Snapshots(cluster, mentee), new Dictionary<Guid, Guid>())!.Rule);
    }

    [Theory]
    [InlineData(ClusterStatus.Forming, ClusterStatus.Active, true)]
    [InlineData(ClusterStatus.Forming, ClusterStatus.Dissolved, true)]
    [InlineData(ClusterStatus.Forming, ClusterStatus.Completed, false)]
    [InlineData(ClusterStatus.Active, ClusterStatus.Completed, true)]
    [InlineData(ClusterStatus.Active, ClusterStatus.Dissolved, true)]
    [InlineData(ClusterStatus.Active, ClusterStatus.Active, false)]
    [InlineData(ClusterStatus.Completed, ClusterStatus.Active, false)]
    [InlineData(ClusterStatus.Completed, ClusterStatus.Dissolved, false)]
    [InlineData(ClusterStatus.Dissolved, ClusterStatus.Active, false)]
    public void Status_moves_forming_active_completed_or_dissolved(ClusterStatus from, ClusterStatus to, bool allowed)
    {
        var cluster = ClusterIn(from);
        var violation = ClusterRules.WhyNotMove(cluster, to);
        Assert.Equal(allowed, violation is null);
        if (!allowed) Assert.Equal("cluster-status-transitions", violation!.Rule);
    }

    [Fact]
    public void Closed_clusters_keep_their_schools_and_the_mentor_stays()
    {
        var cluster = WithMentees(1);
        var mentee = cluster.CurrentMentees.Single().SchoolId;
        Assert.Equal("mentor-stays", ClusterRules.WhyNotRemove(cluster, cluster.MentorSchoolId)!.Rule);
        Assert.Equal("not-a-member", ClusterRules.WhyNotRemove(cluster, Guid.CreateVersion7())!.Rule);
        Assert.Null(ClusterRules.WhyNotRemove(cluster, mentee));
        cluster.End(ClusterStatus.Dissolved, "No funding", Now);
        Assert.Equal("cluster-closed", ClusterRules.WhyNotRemove(cluster, mentee)!.Rule);
        Assert.Equal("cluster-closed", ClusterRules.WhyNotMentee(cluster, School(SchoolRole.Mentee), null, Max)!.Rule);
    }

    [Theory]
    [InlineData(ClusterStatus.Forming, MemberRole.Mentee, SchoolStatus.Withdrawn, SchoolReaction.Leave)]
    [InlineData(ClusterStatus.Forming, MemberRole.Mentee, SchoolStatus.Suspended, SchoolReaction.Leave)]
    [InlineData(ClusterStatus.Forming, MemberRole.Mentor, SchoolStatus.Withdrawn, SchoolReaction.Flag)]
    [InlineData(ClusterStatus.Active, MemberRole.Mentee, SchoolStatus.Withdrawn, SchoolReaction.Flag)]
    [InlineData(ClusterStatus.Active, MemberRole.Mentor, SchoolStatus.Suspended, SchoolReaction.Flag)]
    [InlineData(ClusterStatus.Active, MemberRole.Mentee, SchoolStatus.Active, SchoolReaction.Nothing)]
    public void Suspended_or_withdrawn_schools_leave_forming_clusters_and_are_flagged_in_active_ones(
        ClusterStatus status, MemberRole role, SchoolStatus schoolStatus, SchoolReaction expected)
    {
        var cluster = ClusterIn(status);
        var member = cluster.CurrentMembers.First(m => m.Role == role);
        Assert.Equal(expected, ClusterRules.ReactionTo(cluster, member, schoolStatus, Now));
    }

    [Fact]
    public void A_flag_is_raised_once_and_cleared_when_the_school_is_active_again()
    {
        var cluster = ClusterIn(ClusterStatus.Active);
        var member = cluster.CurrentMentees.Single();
        cluster.Flag(member, MemberFlag.SchoolSuspended, Now);
        Assert.Equal(SchoolReaction.Nothing, ClusterRules.ReactionTo(cluster, member, SchoolStatus.Suspended, Now));
        Assert.Equal(SchoolReaction.Flag, ClusterRules.ReactionTo(cluster, member, SchoolStatus.Withdrawn, Now));
        Assert.Equal(SchoolReaction.ClearFlag, ClusterRules.ReactionTo(cluster, member, SchoolStatus.Active, Now));
    }

    [Fact]
    public void A_change_from_before_the_school_joined_is_history_not_a_reason_to_act()
    {
        var cluster = ClusterIn(ClusterStatus.Forming);
        var member = cluster.CurrentMentees.Single();
        Assert.Equal(SchoolReaction.Nothing, ClusterRules.ReactionTo(cluster, member, SchoolStatus.Withdrawn, member.JoinedAt.AddDays(-30)));
        Assert.Equal(SchoolReaction.Leave, ClusterRules.ReactionTo(cluster, member, SchoolStatus.Withdrawn, member.JoinedAt));
    }

    [Fact]
    public void Activities_fall_within_the_clusters_life_and_involve_its_schools()
    {
        var cluster = WithMentees(1);
        var today = DateOnly.FromDateTime(Now.UtcDateTime).AddDays(30);
        var schools = new[] { cluster.MentorSchoolId, cluster.CurrentMentees.Single().SchoolId };
        Assert.Null(ActivityRules.WhyNotLog(cluster, cluster.FormedOn.AddDays(3), schools, today));
        Assert.Equal("date-within-cluster-life", ActivityRules.WhyNotLog(cluster, cluster.FormedOn.AddDays(-1), schools, today)!.Rule);
        Assert.Equal("date-within-cluster-life", ActivityRules.WhyNotLog(cluster, today.AddDays(1), schools, today)!.Rule);
        Assert.Equal("participants-must-be-members", ActivityRules.WhyNotLog(cluster, cluster.FormedOn, [Guid.CreateVersion7()], today)!.Rule);
    }

    [Fact]
    public void The_snapshot_takes_the_newest_membership_and_the_first_and_latest_assessment_whatever_the_order()
    {
        var id = Guid.CreateVersion7();
        var a = SchoolSnapshot.Empty(id, "HU");
        var b = SchoolSnapshot.Empty(id, "HU");
        var early = (Guid.CreateVersion7(), new DateOnly(2025, 1, 10), Scores(2));
        var late = (Guid.CreateVersion7(), new DateOnly(2026, 1, 10), Scores(4));
        var middle = (Guid.CreateVersion7(), new DateOnly(2025, 6, 10), Scores(3));

        Assert.True(a.ApplyMembership("HU", SchoolRole.Mentee, SchoolStatus.Active, 2, Now));
        Assert.True(a.ApplyMembership("HU", SchoolRole.Mentee, SchoolStatus.Withdrawn, 5, Now));
        foreach (var (assessment, on, scores) in new[] { early, middle, late }) a.ApplyAssessment(assessment, on, scores, Now);

        Assert.True(b.ApplyMembership("HU", SchoolRole.Mentee, SchoolStatus.Withdrawn, 5, Now));
        Assert.False(b.ApplyMembership("HU", SchoolRole.Mentee, SchoolStatus.Active, 2, Now)); // stale: ignored
        foreach (var (assessment, on, scores) in new[] { late, early, middle }) b.ApplyAssessment(assessment, on, scores, Now);

        foreach (var s in new[] { a, b })
        {
            Assert.Equal((SchoolStatus.Withdrawn, 5), (s.Status, s.MembershipVersion));
            Assert.Equal((new DateOnly(2025, 1, 10), 2m), (s.FirstAssessedOn!.Value, s.FirstMaturity!.Value));
            Assert.Equal((new DateOnly(2026, 1, 10), 4m), (s.LatestAssessedOn!.Value, s.LatestMaturity!.Value));
        }
    }

    private static Contracts.Registry.SelfieScores Scores(int each) => new(each, each, each, each, each, each, each, each);

    private static Cluster ClusterIn(ClusterStatus status)
    {
        var cluster = WithMentees(1);
        if (status is ClusterStatus.Active or ClusterStatus.Completed) cluster.Activate(Now);
        if (status is ClusterStatus.Completed or ClusterStatus.Dissolved) cluster.End(status, null, Now);
        return cluster;
    }

    private static Dictionary<Guid, SchoolSnapshot> Snapshots(Cluster cluster, params SchoolSnapshot[] mentees)
    {
        var mentor = SchoolSnapshot.Empty(cluster.MentorSchoolId, cluster.Country);
        mentor.ApplyMembership(cluster.Country, SchoolRole.Mentor, SchoolStatus.Active, 1, Now);
        return mentees.Append(mentor).ToDictionary(s => s.SchoolId);
    }
}
