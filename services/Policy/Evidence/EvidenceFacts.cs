using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MenSI.Policy.Evidence;

/// <summary>
/// Every event Policy consumed, as it arrived: the evidence itself. The fact tables below are projections of it (see
/// <see cref="EvidenceProjection"/>), so the read model can be rebuilt from it at any time.
/// </summary>
public sealed class LoggedEvent
{
    public Guid EventId { get; init; }
    public string EventType { get; init; } = "";
    public DateTimeOffset OccurredAt { get; init; }
    /// <summary>Arrival order: a rebuild replays in it.</summary>
    public long Sequence { get; init; }
    public string Payload { get; init; } = "";
}

// The facts are append-only and keyed by what makes them unique (a duplicate is a no-op); a state is the fact with the
// highest version among those that occurred by a date, so arrival order never matters. Never updated, never deleted
// (but by a rebuild).

/// <summary>A school's role and status at one of its versions (school-registered, -role-assigned, -status-changed).</summary>
public sealed record SchoolFact(Guid SchoolId, int Version, DateTimeOffset OccurredAt, string Country, string Role, string Status);

/// <summary>A cluster's dimensions, from cluster-formed: they never change.</summary>
public sealed record ClusterFact(Guid ClusterId, string Country, string Approach, Guid MentorSchoolId, DateTimeOffset FormedAt);

/// <summary>A cluster's state at one of its versions: forming, active, completed or dissolved.</summary>
public sealed record ClusterStateFact(Guid ClusterId, int Version, DateTimeOffset OccurredAt, string State);

/// <summary>A mentee school joining (true) or leaving (false) a cluster, at the cluster's version.</summary>
public sealed record MembershipFact(Guid ClusterId, Guid SchoolId, int Version, DateTimeOffset OccurredAt, bool IsMember);

public sealed record ActivityFact(Guid ActivityId, Guid ClusterId, DateTimeOffset OccurredAt, decimal ParticipantHours, decimal StaffHours, decimal CostEuro);

/// <summary>A SELFIE self-assessment: its date and its mean score (the platform's one definition of maturity).</summary>
public sealed record AssessmentFact(Guid AssessmentId, Guid SchoolId, DateTimeOffset OccurredAt, DateOnly AssessedOn, decimal Maturity);

/// <summary>A place taken (learner-enrolled) or a completion (course-completed): <c>Kind</c> says which.</summary>
public sealed record LearningFact(Guid EnrolmentId, string Kind, Guid? SchoolId, DateTimeOffset OccurredAt);

/// <summary>A thread started, a post published or a resource shared, in a space of <c>Country</c> (null: network-wide).</summary>
public sealed record CommunityFact(Guid SubjectId, string Kind, string? Country, DateTimeOffset OccurredAt);

internal sealed class EvidenceConfiguration :
    IEntityTypeConfiguration<LoggedEvent>, IEntityTypeConfiguration<SchoolFact>, IEntityTypeConfiguration<ClusterFact>, IEntityTypeConfiguration<ClusterStateFact>,
    IEntityTypeConfiguration<MembershipFact>, IEntityTypeConfiguration<ActivityFact>, IEntityTypeConfiguration<AssessmentFact>, IEntityTypeConfiguration<LearningFact>,
    IEntityTypeConfiguration<CommunityFact>
{
    public void Configure(EntityTypeBuilder<LoggedEvent> logged)
    {
        logged.ToTable("evidence_log");
        logged.HasKey(e => e.EventId);
        logged.Property(e => e.EventType).HasMaxLength(80);
        logged.Property(e => e.Sequence).UseIdentityAlwaysColumn();
        logged.Property(e => e.Payload).HasColumnType("jsonb");
        logged.HasIndex(e => e.Sequence).IsUnique();
    }

    public void Configure(EntityTypeBuilder<SchoolFact> fact)
    {
        fact.ToTable("school_facts");
        fact.HasKey(f => new { f.SchoolId, f.Version });
        fact.HasIndex(f => new { f.Country, f.SchoolId });
        Short(fact.Property(f => f.Country), fact.Property(f => f.Role), fact.Property(f => f.Status));
    }

    public void Configure(EntityTypeBuilder<ClusterFact> fact)
    {
        fact.ToTable("cluster_facts");
        fact.HasKey(f => f.ClusterId);
        Short(fact.Property(f => f.Country), fact.Property(f => f.Approach));
        fact.HasIndex(f => new { f.Country, f.Approach });
    }

    public void Configure(EntityTypeBuilder<ClusterStateFact> fact)
    {
        fact.ToTable("cluster_state_facts");
        fact.HasKey(f => new { f.ClusterId, f.Version });
        Short(fact.Property(f => f.State));
    }

    public void Configure(EntityTypeBuilder<MembershipFact> fact)
    {
        fact.ToTable("membership_facts");
        fact.HasKey(f => new { f.ClusterId, f.SchoolId, f.Version });
    }

    public void Configure(EntityTypeBuilder<ActivityFact> fact)
    {
        fact.ToTable("activity_facts");
        fact.HasKey(f => f.ActivityId);
        fact.HasIndex(f => new { f.ClusterId, f.OccurredAt }).IncludeProperties(f => new { f.ParticipantHours, f.StaffHours, f.CostEuro });
    }

    public void Configure(EntityTypeBuilder<AssessmentFact> fact)
    {
        fact.ToTable("assessment_facts");
        fact.HasKey(f => f.AssessmentId);
        fact.HasIndex(f => new { f.SchoolId, f.AssessedOn });
    }

    public void Configure(EntityTypeBuilder<LearningFact> fact)
    {
        fact.ToTable("learning_facts");
        fact.HasKey(f => new { f.EnrolmentId, f.Kind });
        Short(fact.Property(f => f.Kind));
        fact.HasIndex(f => new { f.SchoolId, f.OccurredAt }).IncludeProperties(f => f.Kind);
    }

    public void Configure(EntityTypeBuilder<CommunityFact> fact)
    {
        fact.ToTable("community_facts");
        fact.HasKey(f => new { f.SubjectId, f.Kind });
        Short(fact.Property(f => f.Kind));
        fact.Property(f => f.Country).HasMaxLength(2);
        fact.HasIndex(f => new { f.Country, f.OccurredAt }).IncludeProperties(f => f.Kind);
    }

    private static void Short(params PropertyBuilder<string>[] properties)
    {
        foreach (var property in properties) property.HasMaxLength(32);
    }
}
