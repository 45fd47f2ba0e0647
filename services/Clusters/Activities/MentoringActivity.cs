using MenSI.Contracts.Clusters;
using MenSI.ServiceDefaults.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MenSI.Clusters.Activities;

public enum ActivityType
{
    Workshop, SchoolVisit, JobShadowing, PeerObservation, OnlineMeeting, Webinar, CoTeaching, StudyVisit, ProfessionalLearningCommunity,
}

public enum ActivityMode { OnSite, Online, Blended }

/// <summary>A school that took part, and how many of its staff.</summary>
public sealed record Participant(Guid SchoolId, int Staff);

/// <summary>DESIGN.md's cost lines: staff time in hours, the rest in euro.</summary>
public sealed record ActivityCosts(decimal StaffHours, decimal TravelEuro, decimal SubstitutionEuro, decimal MaterialsEuro, decimal OtherEuro)
{
    public decimal TotalEuro => TravelEuro + SubstitutionEuro + MaterialsEuro + OtherEuro;
}

/// <summary>
/// One piece of mentoring work in a cluster, as logged (the log is append-only: figures feed the cost report). The
/// derived figures (participant hours, euro total) are stored with it, and added to the cluster's totals in the same
/// transaction.
/// </summary>
public sealed class MentoringActivity
{
    private MentoringActivity() { }

    public Guid Id { get; private set; }
    public Guid ClusterId { get; private set; }
    public ActivityType Type { get; private set; }
    public ActivityMode Mode { get; private set; }
    public DateOnly HeldOn { get; private set; }
    public decimal DurationHours { get; private set; }
    public List<Participant> Participants { get; private set; } = [];
    public ActivityCosts Costs { get; private set; } = null!;
    public string? Outcomes { get; private set; }
    public List<string> EvidenceLinks { get; private set; } = [];
    public int StaffCount { get; private set; }
    public decimal ParticipantHours { get; private set; }
    public decimal CostEuro { get; private set; }
    /// <summary>The opaque subject of who logged it.</summary>
    public string LoggedBy { get; private set; } = "";
    public DateTimeOffset LoggedAt { get; private set; }

    public static (MentoringActivity, MentoringActivityLogged) Log(Guid clusterId, ActivityDraft draft, string loggedBy, DateTimeOffset now)
    {
        var staff = draft.Participants.Sum(p => p.Staff);
        var activity = new MentoringActivity
        {
            Id = Guid.CreateVersion7(now),
            ClusterId = clusterId,
            Type = draft.Type,
            Mode = draft.Mode,
            HeldOn = draft.HeldOn,
            DurationHours = draft.DurationHours,
            Participants = [.. draft.Participants],
            Costs = draft.Costs,
            Outcomes = draft.Outcomes,
            EvidenceLinks = [.. draft.EvidenceLinks],
            StaffCount = staff,
            ParticipantHours = staff * draft.DurationHours,
            CostEuro = draft.Costs.TotalEuro,
            LoggedBy = loggedBy,
            LoggedAt = now,
        };
        return (activity, new MentoringActivityLogged(Guid.CreateVersion7(now), now, activity.Id, clusterId, WireEnum.Name(activity.Type),
            WireEnum.Name(activity.Mode), activity.HeldOn, [.. activity.Participants.Select(p => p.SchoolId)], activity.ParticipantHours,
            activity.Costs.StaffHours, activity.CostEuro));
    }
}

public sealed record ActivityDraft(
    ActivityType Type, ActivityMode Mode, DateOnly HeldOn, decimal DurationHours, IReadOnlyList<Participant> Participants,
    ActivityCosts Costs, string? Outcomes, IReadOnlyList<string> EvidenceLinks);

internal sealed class MentoringActivityConfiguration : IEntityTypeConfiguration<MentoringActivity>
{
    public void Configure(EntityTypeBuilder<MentoringActivity> activity)
    {
        activity.ToTable("mentoring_activities");
        activity.HasKey(a => a.Id);
        activity.Property(a => a.Type).HasConversion<string>().HasMaxLength(40);
        activity.Property(a => a.Mode).HasConversion<string>().HasMaxLength(16);
        activity.Property(a => a.DurationHours).HasPrecision(6, 2);
        activity.OwnsMany(a => a.Participants, p => p.ToJson());
        activity.ComplexProperty(a => a.Costs, costs =>
        {
            costs.Property(c => c.StaffHours).HasPrecision(10, 2).HasColumnName("staff_hours");
            costs.Property(c => c.TravelEuro).HasPrecision(12, 2).HasColumnName("travel_euro");
            costs.Property(c => c.SubstitutionEuro).HasPrecision(12, 2).HasColumnName("substitution_euro");
            costs.Property(c => c.MaterialsEuro).HasPrecision(12, 2).HasColumnName("materials_euro");
            costs.Property(c => c.OtherEuro).HasPrecision(12, 2).HasColumnName("other_euro");
        });
        activity.Property(a => a.Outcomes).HasMaxLength(ActivityRules.MaxOutcomesLength);
        activity.PrimitiveCollection(a => a.EvidenceLinks);
        activity.Property(a => a.ParticipantHours).HasPrecision(12, 2);
        activity.Property(a => a.CostEuro).HasPrecision(12, 2);
        activity.Property(a => a.LoggedBy).HasMaxLength(100);
        activity.HasIndex(a => new { a.ClusterId, a.HeldOn, a.Id });
        activity.HasOne<Clusters.Cluster>().WithMany().HasForeignKey(a => a.ClusterId);
    }
}
