using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MenSI.Clusters.Diary;

public enum DiaryVisibility { Public, Cluster }

/// <summary>A dated entry of a cluster's learning diary: public (like MenSI's school blogs) or for the cluster only.</summary>
public sealed class DiaryEntry
{
    private DiaryEntry() { }

    public Guid Id { get; private set; }
    public Guid ClusterId { get; private set; }
    public DateOnly WrittenOn { get; private set; }
    public string Title { get; private set; } = "";
    public string Body { get; private set; } = "";
    public DiaryVisibility Visibility { get; private set; }
    /// <summary>The school the author wrote for, when a coordinator wrote it.</summary>
    public Guid? SchoolId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public static DiaryEntry Write(Guid clusterId, DateOnly writtenOn, string title, string body, DiaryVisibility visibility, Guid? schoolId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now), ClusterId = clusterId, WrittenOn = writtenOn, Title = title, Body = body,
        Visibility = visibility, SchoolId = schoolId, CreatedAt = now,
    };
}

internal sealed class DiaryEntryConfiguration : IEntityTypeConfiguration<DiaryEntry>
{
    public void Configure(EntityTypeBuilder<DiaryEntry> entry)
    {
        entry.ToTable("diary_entries");
        entry.HasKey(e => e.Id);
        entry.Property(e => e.Title).HasMaxLength(DiaryEndpoints.MaxTitleLength);
        entry.Property(e => e.Body).HasMaxLength(DiaryEndpoints.MaxBodyLength);
        entry.Property(e => e.Visibility).HasConversion<string>().HasMaxLength(16);
        entry.HasIndex(e => new { e.ClusterId, e.WrittenOn, e.Id });
        entry.HasOne<Clusters.Cluster>().WithMany().HasForeignKey(e => e.ClusterId);
    }
}
