using MenSI.Contracts.Clusters;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MenSI.Clusters.Clusters;

public enum Approach { TopDown, BottomUp, Virtual, Hybrid }

public enum Initiation { Ministry, School }

public enum Participation { Voluntary, Compulsory }

public enum ClusterStatus { Forming, Active, Completed, Dissolved }

public enum MemberRole { Mentor, Mentee }

public enum IncentiveKind { Recognition, Certification, Funding, TimeAllowance, Resources, CareerCredit }

/// <summary>Why a school left a cluster, or why it is flagged while it stays.</summary>
public enum MemberFlag { None, Removed, SchoolSuspended, SchoolWithdrawn }

public sealed record Incentive(IncentiveKind Kind, string Description, decimal? ValueEuro);

/// <summary>
/// A mentoring cluster: one mentor school and its mentees, run by one approach. Every change bumps <see cref="Version"/>
/// (the ETag and the order of the cluster's events). The activity totals are kept by <see cref="Activities"/> in the
/// same transaction as each activity, so the cost report reads 5,000 clusters instead of 500,000 activities.
/// </summary>
public sealed class Cluster
{
    private Cluster() { }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    /// <summary>The mentor school's country: whose ministry manages the cluster.</summary>
    public string Country { get; private set; } = "";
    /// <summary>True once a mentee from another country has joined (virtual clusters only).</summary>
    public bool CrossBorder { get; private set; }
    public Guid MentorSchoolId { get; private set; }
    public Approach Approach { get; private set; }
    public Initiation Initiation { get; private set; }
    public Participation Participation { get; private set; }
    public List<string> FocusThemes { get; private set; } = [];
    public List<Incentive> Incentives { get; private set; } = [];
    public ClusterStatus Status { get; private set; }
    public DateOnly FormedOn { get; private set; }
    public DateOnly? ActivatedOn { get; private set; }
    public DateOnly? EndedOn { get; private set; }
    public string? EndReason { get; private set; }
    public List<ClusterMember> Members { get; private set; } = [];
    public int ActivityCount { get; private set; }
    public decimal ParticipantHours { get; private set; }
    public decimal StaffHours { get; private set; }
    public decimal CostEuro { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public int Version { get; private set; }

    public IEnumerable<ClusterMember> CurrentMembers => Members.Where(m => m.LeftAt is null);
    public IEnumerable<ClusterMember> CurrentMentees => CurrentMembers.Where(m => m.Role == MemberRole.Mentee);
    public bool IsOpen => Status is ClusterStatus.Forming or ClusterStatus.Active;
    public ClusterMember? CurrentMember(Guid schoolId) => CurrentMembers.FirstOrDefault(m => m.SchoolId == schoolId);

    /// <summary>The ministry of the cluster's country, or a network admin: who forms, staffs and ends it.</summary>
    public bool MayManage(Caller caller) => caller.MayManageCountry(Country);

    /// <summary>Who does the cluster's work (activities, plan, diary): its managers and the coordinators of its current schools.</summary>
    public bool MayWork(Caller caller) => MayManage(caller) || (caller.SchoolId is { } school && caller.IsCoordinatorOf(school) && CurrentMember(school) is not null);

    public static (Cluster, ClusterFormed) Form(ClusterDraft draft, Guid mentorSchoolId, string country, DateTimeOffset now)
    {
        var cluster = new Cluster
        {
            Id = Guid.CreateVersion7(now),
            Name = draft.Name,
            Country = country,
            MentorSchoolId = mentorSchoolId,
            Approach = draft.Approach,
            Initiation = draft.Initiation,
            Participation = draft.Participation,
            FocusThemes = [.. draft.FocusThemes],
            Incentives = [.. draft.Incentives],
            Status = ClusterStatus.Forming,
            FormedOn = DateOnly.FromDateTime(now.UtcDateTime),
            UpdatedAt = now,
            Version = 1,
        };
        cluster.Members.Add(ClusterMember.Join(cluster.Id, mentorSchoolId, MemberRole.Mentor, now));
        return (cluster, new ClusterFormed(Guid.CreateVersion7(now), now, cluster.Id, country, mentorSchoolId,
            WireEnum.Name(draft.Approach), WireEnum.Name(draft.Initiation), WireEnum.Name(draft.Participation), cluster.Version));
    }

    public SchoolJoinedCluster AddMentee(Guid schoolId, string schoolCountry, DateTimeOffset now)
    {
        Members.Add(ClusterMember.Join(Id, schoolId, MemberRole.Mentee, now, inActiveCluster: Status == ClusterStatus.Active));
        CrossBorder |= schoolCountry != Country;
        Touch(now);
        return new SchoolJoinedCluster(Guid.CreateVersion7(now), now, Id, schoolId, WireEnum.Name(MemberRole.Mentee), Version);
    }

    public SchoolLeftCluster RemoveMember(ClusterMember member, MemberFlag reason, DateTimeOffset now)
    {
        member.Leave(reason, now);
        Touch(now);
        return new SchoolLeftCluster(Guid.CreateVersion7(now), now, Id, member.SchoolId, WireEnum.Name(reason), Version);
    }

    /// <summary>Flags (or, with <see cref="MemberFlag.None"/>, clears) a school that stays in the cluster.</summary>
    public ClusterSchoolFlagged Flag(ClusterMember member, MemberFlag flag, DateTimeOffset now)
    {
        member.Flag = flag;
        Touch(now);
        return new ClusterSchoolFlagged(Guid.CreateVersion7(now), now, Id, member.SchoolId, WireEnum.Name(flag), Version);
    }

    public ClusterActivated Activate(DateTimeOffset now)
    {
        Status = ClusterStatus.Active;
        ActivatedOn = DateOnly.FromDateTime(now.UtcDateTime);
        foreach (var member in CurrentMembers) member.InActiveCluster = true;
        Touch(now);
        return new ClusterActivated(Guid.CreateVersion7(now), now, Id, [.. CurrentMentees.Select(m => m.SchoolId)], ActivatedOn.Value, Version);
    }

    /// <summary>Ends the cluster as <see cref="ClusterStatus.Completed"/> or <see cref="ClusterStatus.Dissolved"/>; its schools are free again.</summary>
    public ClusterCompleted End(ClusterStatus outcome, string? reason, DateTimeOffset now)
    {
        Status = outcome;
        EndedOn = DateOnly.FromDateTime(now.UtcDateTime);
        EndReason = reason;
        foreach (var member in Members) member.InActiveCluster = false;
        Touch(now);
        return new ClusterCompleted(Guid.CreateVersion7(now), now, Id, WireEnum.Name(outcome), EndedOn.Value, Version);
    }

    private void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
    }
}

/// <summary>What a client chooses when forming a cluster (validated by <see cref="ClusterRules"/>).</summary>
public sealed record ClusterDraft(
    string Name, Approach Approach, Initiation Initiation, Participation Participation,
    IReadOnlyList<string> FocusThemes, IReadOnlyList<Incentive> Incentives);

/// <summary>A school's time in a cluster: a school that leaves and comes back has two rows.</summary>
public sealed class ClusterMember
{
    private ClusterMember() { }

    public Guid Id { get; private set; }
    public Guid ClusterId { get; private set; }
    public Guid SchoolId { get; private set; }
    public MemberRole Role { get; private set; }
    public DateTimeOffset JoinedAt { get; private set; }
    public DateTimeOffset? LeftAt { get; private set; }
    public const string OneCurrentRowIndex = "ix_cluster_members_one_current_row";

    /// <summary>While in the cluster: why the coordinators should look at this school; after leaving: why it left.</summary>
    public MemberFlag Flag { get; internal set; }
    /// <summary>Set while the cluster is active and the school in it: a unique index allows a mentee one such row.</summary>
    public bool InActiveCluster { get; internal set; }

    internal static ClusterMember Join(Guid clusterId, Guid schoolId, MemberRole role, DateTimeOffset now, bool inActiveCluster = false) => new()
    {
        Id = Guid.CreateVersion7(now), ClusterId = clusterId, SchoolId = schoolId, Role = role, JoinedAt = now, InActiveCluster = inActiveCluster,
    };

    internal void Leave(MemberFlag reason, DateTimeOffset now)
    {
        LeftAt = now;
        Flag = reason;
        InActiveCluster = false;
    }
}

internal sealed class ClusterConfiguration : IEntityTypeConfiguration<Cluster>
{
    public void Configure(EntityTypeBuilder<Cluster> cluster)
    {
        cluster.ToTable("clusters");
        cluster.HasKey(c => c.Id);
        cluster.Property(c => c.Name).HasMaxLength(ClusterRules.MaxNameLength);
        cluster.Property(c => c.Country).HasMaxLength(2).IsFixedLength();
        cluster.Property(c => c.Approach).HasConversion<string>().HasMaxLength(16);
        cluster.Property(c => c.Initiation).HasConversion<string>().HasMaxLength(16);
        cluster.Property(c => c.Participation).HasConversion<string>().HasMaxLength(16);
        cluster.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
        cluster.PrimitiveCollection(c => c.FocusThemes);
        cluster.OwnsMany(c => c.Incentives, incentive =>
        {
            incentive.ToJson();
            incentive.Property(i => i.Kind).HasConversion<string>();
        });
        cluster.Property(c => c.EndReason).HasMaxLength(ClusterRules.MaxReasonLength);
        cluster.Property(c => c.ParticipantHours).HasPrecision(14, 2);
        cluster.Property(c => c.StaffHours).HasPrecision(14, 2);
        cluster.Property(c => c.CostEuro).HasPrecision(14, 2);
        cluster.Property(c => c.Version).IsConcurrencyToken();
        cluster.HasMany(c => c.Members).WithOne().HasForeignKey(m => m.ClusterId);
        cluster.Navigation(c => c.Members).AutoInclude();
        cluster.Ignore(c => c.CurrentMembers);
        cluster.Ignore(c => c.CurrentMentees);
        cluster.Ignore(c => c.IsOpen);
        cluster.HasIndex(c => new { c.Country, c.Status });
        cluster.HasIndex(c => c.Approach);
        cluster.HasIndex(c => c.MentorSchoolId);
    }
}

internal sealed class ClusterMemberConfiguration : IEntityTypeConfiguration<ClusterMember>
{
    public void Configure(EntityTypeBuilder<ClusterMember> member)
    {
        member.ToTable("cluster_members");
        member.HasKey(m => m.Id);
        // Ids are made in code (UUID v7): a new member found through the cluster's collection is an insert, not an update.
        member.Property(m => m.Id).ValueGeneratedNever();
        member.Property(m => m.Role).HasConversion<string>().HasMaxLength(16);
        member.Property(m => m.Flag).HasConversion<string>().HasMaxLength(24);
        member.HasIndex(m => new { m.ClusterId, m.SchoolId }, "one_current_row").IsUnique().HasFilter("left_at IS NULL")
            .HasDatabaseName(ClusterMember.OneCurrentRowIndex);
        // DESIGN.md: a mentee is in at most one active cluster. The database holds the rule, so two activations racing
        // for the same mentee cannot both commit.
        member.HasIndex(m => m.SchoolId, "one_active_cluster_per_mentee").IsUnique()
            .HasFilter("in_active_cluster AND role = 'Mentee'").HasDatabaseName("ix_cluster_members_one_active_cluster_per_mentee");
        member.HasIndex(m => m.SchoolId, "ix_cluster_members_school_id");
    }
}
