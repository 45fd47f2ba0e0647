using MenSI.Contracts.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MenSI.Clusters.Schools;

public enum SchoolRole { None, Mentor, Mentee }

public enum SchoolStatus { Applicant, Active, Suspended, Withdrawn }

/// <summary>
/// What Clusters knows about a school, folded from the Registry's events: never asked of the Registry. Each fold is
/// order-free, so replaying the events in any order (queues of different events do not keep a common order) gives the
/// same snapshot: role and status follow the highest school version seen on a membership event, the name the highest
/// on a profile event (a profile change does not say the role, so the two keep their own versions), and the
/// digital-maturity pair keeps the earliest and the latest assessment by date.
/// </summary>
public sealed class SchoolSnapshot
{
    private SchoolSnapshot() { }

    public Guid SchoolId { get; private set; }
    public string Country { get; private set; } = "";
    /// <summary>Null until a registration or profile event has arrived (a role event may come first).</summary>
    public string? Name { get; private set; }
    public SchoolRole Role { get; private set; }
    public SchoolStatus Status { get; private set; }
    public int MembershipVersion { get; private set; }
    public int ProfileVersion { get; private set; }
    public Guid? FirstAssessmentId { get; private set; }
    public DateOnly? FirstAssessedOn { get; private set; }
    /// <summary>Mean of the eight SELFIE scores of the earliest assessment.</summary>
    public decimal? FirstMaturity { get; private set; }
    public Guid? LatestAssessmentId { get; private set; }
    public DateOnly? LatestAssessedOn { get; private set; }
    public decimal? LatestMaturity { get; private set; }
    /// <summary>The latest assessment's eight scores, in <see cref="SelfieScores.Areas"/> order.</summary>
    public List<int> LatestScores { get; private set; } = [];
    public DateTimeOffset UpdatedAt { get; private set; }

    public bool IsActive => Status == SchoolStatus.Active;

    public static SchoolSnapshot Empty(Guid schoolId, string country) => new() { SchoolId = schoolId, Country = country };

    /// <summary>Role and status as of school version <paramref name="version"/>; false (nothing changed) when it is not newer.</summary>
    public bool ApplyMembership(string country, SchoolRole role, SchoolStatus status, int version, DateTimeOffset at)
    {
        if (version <= MembershipVersion) return false;
        (Country, Role, Status, MembershipVersion, UpdatedAt) = (country, role, status, version, at);
        return true;
    }

    public bool ApplyProfile(string country, string name, int version, DateTimeOffset at)
    {
        if (version <= ProfileVersion) return false;
        (Country, Name, ProfileVersion, UpdatedAt) = (country, name, version, at);
        return true;
    }

    /// <summary>
    /// Keeps the earliest and the latest assessment, ordered by date and then by id (UUID v7: the later submission),
    /// so two assessments of one day give the same pair whichever arrives first.
    /// </summary>
    public void ApplyAssessment(Guid assessmentId, DateOnly assessedOn, SelfieScores scores, DateTimeOffset at)
    {
        var mean = scores.Mean();
        if (FirstAssessmentId is null || (assessedOn, assessmentId).CompareTo((FirstAssessedOn!.Value, FirstAssessmentId.Value)) < 0)
        {
            (FirstAssessmentId, FirstAssessedOn, FirstMaturity) = (assessmentId, assessedOn, mean);
        }

        if (LatestAssessmentId is null || (assessedOn, assessmentId).CompareTo((LatestAssessedOn!.Value, LatestAssessmentId.Value)) > 0)
        {
            (LatestAssessmentId, LatestAssessedOn, LatestMaturity, LatestScores) = (assessmentId, assessedOn, mean, [.. scores.Values()]);
        }

        UpdatedAt = at;
    }
}

internal sealed class SchoolSnapshotConfiguration : IEntityTypeConfiguration<SchoolSnapshot>
{
    public void Configure(EntityTypeBuilder<SchoolSnapshot> snapshot)
    {
        snapshot.ToTable("school_snapshots");
        snapshot.HasKey(s => s.SchoolId);
        snapshot.Property(s => s.SchoolId).ValueGeneratedNever();
        snapshot.Property(s => s.Country).HasMaxLength(2).IsFixedLength();
        snapshot.Property(s => s.Name).HasMaxLength(200);
        snapshot.Property(s => s.Role).HasConversion<string>().HasMaxLength(16);
        snapshot.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
        snapshot.Property(s => s.FirstMaturity).HasPrecision(6, 4);
        snapshot.Property(s => s.LatestMaturity).HasPrecision(6, 4);
        snapshot.PrimitiveCollection(s => s.LatestScores);
        snapshot.Ignore(s => s.IsActive);
    }
}
