using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MenSI.Courses.Credentials;

/// <summary>
/// An issued Open Badges 3.0 credential. <see cref="Jwt"/> is the signed VC-JWT as issued; erasure deletes it (it holds
/// the recipient's salted hash) and keeps <see cref="Digest"/>, so the holder's own copy still verifies: signature by
/// the published key, digest, revocation and expiry, with nothing personal stored here.
/// </summary>
public sealed class Credential
{
    public Guid Id { get; init; }
    public Guid CourseId { get; init; }
    public Guid RunId { get; init; }
    public Guid? EnrolmentId { get; set; }
    /// <summary>This credential's bit in the revocation status list (<see cref="StatusList.Size"/> bits per list).</summary>
    public long StatusIndex { get; init; }
    public DateTimeOffset IssuedAt { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public string? Jwt { get; set; }
    public string Digest { get; init; } = "";
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevocationReason { get; set; }
}

internal sealed class CredentialConfiguration : IEntityTypeConfiguration<Credential>
{
    public const string StatusIndexSequence = "credential_status_index";

    public void Configure(EntityTypeBuilder<Credential> credential)
    {
        credential.ToTable("credentials");
        credential.HasKey(c => c.Id);
        credential.Property(c => c.Digest).HasMaxLength(64);
        credential.Property(c => c.RevocationReason).HasMaxLength(500);
        credential.HasIndex(c => c.StatusIndex).IsUnique();
        credential.HasIndex(c => c.EnrolmentId);
    }
}
