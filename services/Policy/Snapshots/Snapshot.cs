using MenSI.ServiceDefaults.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MenSI.Policy.Snapshots;

/// <summary>One figure of a snapshot: the scope it is for, its key and value (null where it does not apply).</summary>
public sealed record SnapshotFigure(string? Country, string? Approach, string Key, decimal? Value);

/// <summary>
/// The indicators of every country and approach as of a date, taken once and never changed (a trigger refuses any
/// update or delete): what a recommendation cites, so the citation shows the exact figures it was written from, with the
/// definitions they had then.
/// </summary>
public sealed class Snapshot
{
    public Guid Id { get; init; }
    public string Title { get; init; } = "";
    public DateOnly AsOf { get; init; }
    public DateTimeOffset TakenAt { get; init; }
    public Guid? TakenBy { get; set; }
    public List<SnapshotFigure> Figures { get; init; } = [];
    public Dictionary<string, string> Definitions { get; init; } = [];
}

internal sealed class SnapshotConfiguration : IEntityTypeConfiguration<Snapshot>
{
    public void Configure(EntityTypeBuilder<Snapshot> snapshot)
    {
        snapshot.ToTable("snapshots");
        snapshot.HasKey(s => s.Id);
        snapshot.Property(s => s.Title).HasMaxLength(200);
        snapshot.Property(s => s.Figures).AsJsonDocument();
        snapshot.Property(s => s.Definitions).AsJsonDocument();
        snapshot.HasIndex(s => s.TakenAt);
    }
}
