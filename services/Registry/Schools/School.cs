using MenSI.Contracts.Registry;
using MenSI.ServiceDefaults.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MenSI.Registry.Schools;

public enum EducationLevel { Primary, LowerSecondary, UpperSecondary, Vocational }

public enum NetworkRole { None, Mentor, Mentee }

public enum SchoolStatus { Applicant, Active, Suspended, Withdrawn }

/// <summary>
/// A school in the registry. Its identity is the national identifier within its country, which never changes;
/// the profile does, each change bumping <see cref="Version"/> (the ETag, and the order of its events).
/// </summary>
public sealed class School
{
    private School() { }

    public Guid Id { get; private set; }
    public string Country { get; private set; } = "";
    public string NationalIdScheme { get; private set; } = "";
    public string NationalId { get; private set; } = "";
    public string Name { get; private set; } = "";
    public string? Region { get; private set; }
    public string? City { get; private set; }
    public string? Website { get; private set; }
    public string? ErasmusOid { get; private set; }
    public List<EducationLevel> EducationLevels { get; private set; } = [];
    public int? Pupils { get; private set; }
    public int? Teachers { get; private set; }
    public List<string> Languages { get; private set; } = [];
    public NetworkRole NetworkRole { get; private set; }
    public SchoolStatus Status { get; private set; }
    public DateOnly? JoinedOn { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public int Version { get; private set; }
    /// <summary>The name without case or accents, computed by PostgreSQL (<see cref="SchoolSearch"/>): what name search matches.</summary>
    public string SearchName { get; private set; } = "";

    public SchoolProfile Profile => new(Name, Region, City, Website, ErasmusOid, EducationLevels, Pupils, Teachers, Languages);

    public static School Register(string country, string nationalId, SchoolProfile profile, DateTimeOffset now)
    {
        var school = new School
        {
            Id = Guid.CreateVersion7(now),
            Country = country,
            NationalIdScheme = NationalIds.SchemeFor(country),
            NationalId = nationalId,
            NetworkRole = NetworkRole.None,
            Status = SchoolStatus.Applicant,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        school.Apply(profile);
        return school;
    }

    /// <summary>Replaces the profile; returns the names of the fields that changed (none: nothing to save or publish).</summary>
    public IReadOnlyList<string> UpdateProfile(SchoolProfile profile, DateTimeOffset now)
    {
        var changed = Profile.ChangedFields(profile);
        if (changed.Count == 0) return changed;
        Apply(profile);
        Touch(now);
        return changed;
    }

    /// <summary>Moves the status (the caller has checked <see cref="Membership.MembershipRules"/>); the first activation dates the joining.</summary>
    public SchoolStatusChanged ChangeStatus(SchoolStatus to, DateTimeOffset now)
    {
        var from = Status;
        Status = to;
        if (to == SchoolStatus.Active) JoinedOn ??= DateOnly.FromDateTime(now.UtcDateTime);
        Touch(now);
        return new SchoolStatusChanged(Guid.CreateVersion7(now), now, Id, Country, WireEnum.Name(from), WireEnum.Name(to), WireEnum.Name(NetworkRole), Version);
    }

    public SchoolRoleAssigned AssignRole(NetworkRole to, DateTimeOffset now)
    {
        var from = NetworkRole;
        NetworkRole = to;
        Touch(now);
        return new SchoolRoleAssigned(Guid.CreateVersion7(now), now, Id, Country, WireEnum.Name(from), WireEnum.Name(to), WireEnum.Name(Status), Version);
    }

    private void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
    }

    private void Apply(SchoolProfile profile)
    {
        Name = profile.Name;
        Region = profile.Region;
        City = profile.City;
        Website = profile.Website;
        ErasmusOid = profile.ErasmusOid;
        EducationLevels = [.. profile.EducationLevels];
        Pupils = profile.Pupils;
        Teachers = profile.Teachers;
        Languages = [.. profile.Languages];
    }

    public SchoolRegistered ToRegisteredEvent() => new(
        Guid.CreateVersion7(CreatedAt), CreatedAt, Id, Country, NationalIdScheme, NationalId, Name,
        WireEnum.Name(NetworkRole), WireEnum.Name(Status), Version);

    public SchoolProfileUpdated ToProfileUpdatedEvent(IReadOnlyList<string> changedFields) => new(
        Guid.CreateVersion7(UpdatedAt), UpdatedAt, Id, Country, Name, changedFields, Version);
}

/// <summary>The editable, public part of a school.</summary>
public sealed record SchoolProfile(
    string Name,
    string? Region,
    string? City,
    string? Website,
    string? ErasmusOid,
    IReadOnlyList<EducationLevel> EducationLevels,
    int? Pupils,
    int? Teachers,
    IReadOnlyList<string> Languages)
{
    public IReadOnlyList<string> ChangedFields(SchoolProfile other)
    {
        var changed = new List<string>();
        if (Name != other.Name) changed.Add("name");
        if (Region != other.Region) changed.Add("region");
        if (City != other.City) changed.Add("city");
        if (Website != other.Website) changed.Add("website");
        if (ErasmusOid != other.ErasmusOid) changed.Add("erasmusOid");
        if (!EducationLevels.SequenceEqual(other.EducationLevels)) changed.Add("educationLevels");
        if (Pupils != other.Pupils) changed.Add("pupils");
        if (Teachers != other.Teachers) changed.Add("teachers");
        if (!Languages.SequenceEqual(other.Languages)) changed.Add("languages");
        return changed;
    }
}

internal sealed class SchoolConfiguration : IEntityTypeConfiguration<School>
{
    public void Configure(EntityTypeBuilder<School> school)
    {
        school.ToTable("schools");
        school.HasKey(s => s.Id);
        school.Ignore(s => s.Profile);
        school.Property(s => s.Country).HasMaxLength(2).IsFixedLength();
        school.Property(s => s.NationalIdScheme).HasMaxLength(40);
        school.Property(s => s.NationalId).HasMaxLength(40);
        school.HasIndex(s => new { s.Country, s.NationalId }).IsUnique();
        school.Property(s => s.Name).HasMaxLength(200);
        school.Property(s => s.Region).HasMaxLength(100);
        school.Property(s => s.City).HasMaxLength(100);
        school.Property(s => s.Website).HasMaxLength(300);
        school.Property(s => s.ErasmusOid).HasMaxLength(9);
        // text[] of the enum names, so SQL reads like the data and "level = ANY(education_levels)" can use a GIN index.
        school.PrimitiveCollection(s => s.EducationLevels).ElementType().HasConversion<string>();
        school.PrimitiveCollection(s => s.Languages);
        school.Property(s => s.NetworkRole).HasConversion<string>().HasMaxLength(16);
        school.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
        school.HasIndex(s => new { s.Country, s.Status, s.NetworkRole });
        school.HasIndex(s => s.CreatedAt);
        // The directory's default order, overall and within a country: pages are read off the index, not sorted. The
        // search key rides along, so a name search in name order filters index entries without touching the table
        // (an index-only scan): a word a third of all schools share still finds its first page in milliseconds.
        school.HasIndex(s => new { s.Name, s.Id }).IncludeProperties(s => s.SearchName);
        school.HasIndex(s => new { s.Country, s.Name, s.Id }).IncludeProperties(s => s.SearchName);
        school.Property(s => s.Version).IsConcurrencyToken();
        school.Property(s => s.SearchName).HasComputedColumnSql($"{SchoolSearch.KeyFunction}(name)", stored: true);
        // Trigram GIN: LIKE '%word%' on the search key is an index scan, not a table scan, even at 250,000 schools.
        school.HasIndex(s => s.SearchName).HasMethod("gin").HasOperators("gin_trgm_ops");
    }
}
