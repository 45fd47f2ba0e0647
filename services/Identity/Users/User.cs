using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MenSI.Identity.Users;

/// <summary>
/// A person who signs in. Email and display name are the only personal data; the id (UUID v7) is what tokens and
/// logs carry. The password is stored as ASP.NET Core Identity's PBKDF2 hash, never in any other form.
/// </summary>
public sealed class User
{
    private User() { }

    public Guid Id { get; private set; }
    /// <summary>Lower-cased and trimmed: the sign-in key, unique.</summary>
    public string Email { get; private set; } = "";
    public string DisplayName { get; private set; } = "";
    public string PasswordHash { get; private set; } = "";
    public List<string> Roles { get; private set; } = [];
    /// <summary>The country a ministry officer acts for.</summary>
    public string? Country { get; private set; }
    /// <summary>The school a school coordinator acts for.</summary>
    public Guid? SchoolId { get; private set; }
    public int FailedSignIns { get; private set; }
    public DateTimeOffset? LockedUntil { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public int Version { get; private set; }

    public static string NormaliseEmail(string email) => email.Trim().ToLowerInvariant();

    public static User Create(UserDetails details, string email, DateTimeOffset now) => new User
    {
        Id = Guid.CreateVersion7(now),
        Email = NormaliseEmail(email),
        CreatedAt = now,
        Version = 0,
    }.Apply(details, now);

    public User Apply(UserDetails details, DateTimeOffset now)
    {
        DisplayName = details.DisplayName;
        Roles = [.. details.Roles];
        Country = details.Country;
        SchoolId = details.SchoolId;
        UpdatedAt = now;
        Version++;
        return this;
    }

    public void SetPasswordHash(string hash) => PasswordHash = hash;

    public bool IsLockedOut(DateTimeOffset now) => LockedUntil > now;

    /// <summary>Counts a failed sign-in; the <paramref name="maxAttempts"/>-th in a row locks the account.</summary>
    public void SignInFailed(DateTimeOffset now, int maxAttempts, TimeSpan lockout)
    {
        FailedSignIns++;
        if (FailedSignIns >= maxAttempts)
        {
            LockedUntil = now + lockout;
            FailedSignIns = 0;
        }
    }

    public void SignInSucceeded()
    {
        FailedSignIns = 0;
        LockedUntil = null;
    }

    public void Unlock(DateTimeOffset now)
    {
        SignInSucceeded();
        UpdatedAt = now;
        Version++;
    }
}

/// <summary>What an administrator sets on a user, already validated by <see cref="UserRules"/>.</summary>
public sealed record UserDetails(string DisplayName, IReadOnlyList<string> Roles, string? Country, Guid? SchoolId);

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> user)
    {
        user.ToTable("users");
        user.HasKey(u => u.Id);
        user.Property(u => u.Email).HasMaxLength(UserRules.MaxEmailLength);
        user.HasIndex(u => u.Email).IsUnique();
        user.Property(u => u.DisplayName).HasMaxLength(UserRules.MaxDisplayNameLength);
        user.Property(u => u.Country).HasMaxLength(2);
        user.Property(u => u.Version).IsConcurrencyToken();
    }
}
