using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MenSI.Clusters.Plans;

public sealed record Milestone(string Title, DateOnly DueOn, DateOnly? DoneOn);

/// <summary>
/// A goal of the mentoring operational plan: what one mentee school wants to reach (often in one SELFIE area), which
/// school's strength it draws on, and the milestones on the way. Progress is the share of milestones done.
/// </summary>
public sealed class Goal
{
    private Goal() { }

    public Guid Id { get; private set; }
    public Guid ClusterId { get; private set; }
    public Guid SchoolId { get; private set; }
    public string Title { get; private set; } = "";
    public string? Description { get; private set; }
    /// <summary>The SELFIE area the goal works on (camelCase area name), if any.</summary>
    public string? SelfieArea { get; private set; }
    /// <summary>The school whose strength is paired with this school's need.</summary>
    public Guid? PairedWithSchoolId { get; private set; }
    public List<Milestone> Milestones { get; private set; } = [];
    public DateTimeOffset UpdatedAt { get; private set; }
    public int Version { get; private set; }

    [JsonIgnore]
    public int ProgressPercent => Milestones.Count == 0 ? 0 : Milestones.Count(m => m.DoneOn is not null) * 100 / Milestones.Count;

    public static Goal Set(Guid clusterId, GoalDraft draft, DateTimeOffset now)
    {
        var goal = new Goal { Id = Guid.CreateVersion7(now), ClusterId = clusterId, Version = 0 };
        goal.Replace(draft, now);
        return goal;
    }

    public void Replace(GoalDraft draft, DateTimeOffset now)
    {
        (SchoolId, Title, Description, SelfieArea, PairedWithSchoolId) = (draft.SchoolId, draft.Title, draft.Description, draft.SelfieArea, draft.PairedWithSchoolId);
        Milestones = [.. draft.Milestones];
        UpdatedAt = now;
        Version++;
    }
}

public sealed record GoalDraft(Guid SchoolId, string Title, string? Description, string? SelfieArea, Guid? PairedWithSchoolId, IReadOnlyList<Milestone> Milestones);

internal sealed class GoalConfiguration : IEntityTypeConfiguration<Goal>
{
    public void Configure(EntityTypeBuilder<Goal> goal)
    {
        goal.ToTable("plan_goals");
        goal.HasKey(g => g.Id);
        goal.Property(g => g.Title).HasMaxLength(PlanRules.MaxTitleLength);
        goal.Property(g => g.Description).HasMaxLength(PlanRules.MaxDescriptionLength);
        goal.Property(g => g.SelfieArea).HasMaxLength(60);
        goal.OwnsMany(g => g.Milestones, m => m.ToJson());
        goal.Property(g => g.Version).IsConcurrencyToken();
        goal.Ignore(g => g.ProgressPercent);
        goal.HasIndex(g => new { g.ClusterId, g.SchoolId });
        goal.HasOne<Clusters.Cluster>().WithMany().HasForeignKey(g => g.ClusterId);
    }
}
