using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MenSI.Registry.Contacts;

/// <summary>
/// A person a school names as its contact: the Registry's only personal data. It is never published in an event nor
/// shown in the public directory. Erasure blanks every personal field and keeps the row (when it existed, when consent
/// was given, when it was erased), so the school's record stays whole and auditable.
/// </summary>
public sealed class ContactPerson
{
    private ContactPerson() { }

    public Guid Id { get; private set; }
    public Guid SchoolId { get; private set; }
    public string? Name { get; private set; }
    public string? Email { get; private set; }
    public string? Function { get; private set; }
    public DateTimeOffset ConsentedAt { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? ErasedAt { get; private set; }

    public bool IsErased => ErasedAt is not null;

    public static ContactPerson Add(Guid schoolId, string name, string email, string? function, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        SchoolId = schoolId,
        Name = name,
        Email = email,
        Function = function,
        ConsentedAt = now,
        CreatedAt = now,
    };

    public void Erase(DateTimeOffset now)
    {
        if (IsErased) return;
        Name = null;
        Email = null;
        Function = null;
        ErasedAt = now;
    }
}

internal sealed class ContactPersonConfiguration : IEntityTypeConfiguration<ContactPerson>
{
    public void Configure(EntityTypeBuilder<ContactPerson> contact)
    {
        contact.ToTable("contact_persons");
        contact.HasKey(c => c.Id);
        contact.HasIndex(c => c.SchoolId);
        contact.Property(c => c.Name).HasMaxLength(ContactRules.MaxNameLength);
        contact.Property(c => c.Email).HasMaxLength(ContactRules.MaxEmailLength);
        contact.Property(c => c.Function).HasMaxLength(ContactRules.MaxFunctionLength);
        contact.Ignore(c => c.IsErased);
        contact.HasOne<Schools.School>().WithMany().HasForeignKey(c => c.SchoolId);
    }
}
