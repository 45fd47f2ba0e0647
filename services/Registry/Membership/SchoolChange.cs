using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MenSI.Registry.Membership;

public enum ChangeKind { Status, Role }

/// <summary>
/// One entry of a school's membership history: what changed, from what to what, why, by whom (the caller's opaque
/// subject: a user id or a client id) and when; <see cref="Version"/> is the school's version after the change.
/// </summary>
public sealed class SchoolChange
{
    private SchoolChange() { }

    public Guid Id { get; private set; }
    public Guid SchoolId { get; private set; }
    public ChangeKind Kind { get; private set; }
    public string From { get; private set; } = "";
    public string To { get; private set; } = "";
    public string Reason { get; private set; } = "";
    public string ChangedBy { get; private set; } = "";
    public DateTimeOffset ChangedAt { get; private set; }
    public int Version { get; private set; }

    public static SchoolChange Record(Guid schoolId, ChangeKind kind, string from, string to, string reason, string changedBy, DateTimeOffset now, int version) => new()
    {
        Id = Guid.CreateVersion7(now),
        SchoolId = schoolId,
        Kind = kind,
        From = from,
        To = to,
        Reason = reason,
        ChangedBy = changedBy,
        ChangedAt = now,
        Version = version,
    };
}

internal sealed class SchoolChangeConfiguration : IEntityTypeConfiguration<SchoolChange>
{
    public void Configure(EntityTypeBuilder<SchoolChange> change)
    {
        change.ToTable("school_changes");
        change.HasKey(c => c.Id);
        change.HasIndex(c => new { c.SchoolId, c.ChangedAt });
        change.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
        change.Property(c => c.From).HasMaxLength(16);
        change.Property(c => c.To).HasMaxLength(16);
        change.Property(c => c.Reason).HasMaxLength(MembershipRules.MaxReasonLength);
        change.Property(c => c.ChangedBy).HasMaxLength(100);
        change.HasOne<Schools.School>().WithMany().HasForeignKey(c => c.SchoolId);
    }
}
