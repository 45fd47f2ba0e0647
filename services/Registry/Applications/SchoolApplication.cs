using System.Text.Json;
using MenSI.Contracts.Registry;
using MenSI.Registry.Schools;
using MenSI.ServiceDefaults;
using MenSI.ServiceDefaults.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MenSI.Registry.Applications;

public enum ApplicationStatus { Submitted, Accepted, Rejected }

public enum ApplicationDecision { Accepted, Rejected }

/// <summary>
/// A school's application to join the open network. The contact person's details are kept only until the decision:
/// an acceptance moves them to the school's contact persons, a rejection erases them.
/// </summary>
public sealed class SchoolApplication
{
    private SchoolApplication() { }

    public Guid Id { get; private set; }
    public string Country { get; private set; } = "";
    public string NationalId { get; private set; } = "";
    /// <summary>The school's details as submitted (jsonb): they become its profile on acceptance.</summary>
    public string ProfileJson { get; private set; } = "";
    public string Motivation { get; private set; } = "";
    public NetworkRole RequestedRole { get; private set; }
    public string? ContactName { get; private set; }
    public string? ContactEmail { get; private set; }
    public string? ContactFunction { get; private set; }
    public ApplicationStatus Status { get; private set; }
    public string? DecisionReason { get; private set; }
    public string? DecidedBy { get; private set; }
    public DateTimeOffset? DecidedAt { get; private set; }
    public DateTimeOffset SubmittedAt { get; private set; }
    public Guid? SchoolId { get; private set; }
    public int Version { get; private set; }

    public SchoolProfile Profile => JsonSerializer.Deserialize<SchoolProfile>(ProfileJson, ServiceDefaultsExtensions.Json)!;

    public static SchoolApplication Submit(string country, string nationalId, SchoolProfile profile, string motivation, NetworkRole role,
        (string Name, string Email, string? Function) contact, Guid? existingSchool, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        Country = country,
        NationalId = nationalId,
        ProfileJson = JsonSerializer.Serialize(profile, ServiceDefaultsExtensions.Json),
        Motivation = motivation,
        RequestedRole = role,
        ContactName = contact.Name,
        ContactEmail = contact.Email,
        ContactFunction = contact.Function,
        Status = ApplicationStatus.Submitted,
        SubmittedAt = now,
        SchoolId = existingSchool,
        Version = 1,
    };

    public void Decide(ApplicationDecision decision, string reason, string decidedBy, Guid? schoolId, DateTimeOffset now)
    {
        Status = decision == ApplicationDecision.Accepted ? ApplicationStatus.Accepted : ApplicationStatus.Rejected;
        DecisionReason = reason;
        DecidedBy = decidedBy;
        DecidedAt = now;
        SchoolId = schoolId ?? SchoolId;
        ContactName = null;
        ContactEmail = null;
        ContactFunction = null;
        Version++;
    }

    public SchoolApplicationSubmitted ToSubmittedEvent() =>
        new(Guid.CreateVersion7(SubmittedAt), SubmittedAt, Id, Country, NationalId, WireEnum.Name(RequestedRole), SchoolId);

    public SchoolApplicationDecided ToDecidedEvent() =>
        new(Guid.CreateVersion7(DecidedAt!.Value), DecidedAt.Value, Id, Country, WireEnum.Name(Status), Status == ApplicationStatus.Accepted ? SchoolId : null);
}

internal sealed class SchoolApplicationConfiguration : IEntityTypeConfiguration<SchoolApplication>
{
    public void Configure(EntityTypeBuilder<SchoolApplication> application)
    {
        application.ToTable("school_applications");
        application.HasKey(a => a.Id);
        application.Ignore(a => a.Profile);
        application.Property(a => a.Country).HasMaxLength(2).IsFixedLength();
        application.Property(a => a.NationalId).HasMaxLength(40);
        application.Property(a => a.ProfileJson).HasColumnType("jsonb");
        application.Property(a => a.Motivation).HasMaxLength(ApplicationRules.MaxMotivationLength);
        application.Property(a => a.RequestedRole).HasConversion<string>().HasMaxLength(16);
        application.Property(a => a.Status).HasConversion<string>().HasMaxLength(16);
        application.Property(a => a.ContactName).HasMaxLength(Contacts.ContactRules.MaxNameLength);
        application.Property(a => a.ContactEmail).HasMaxLength(Contacts.ContactRules.MaxEmailLength);
        application.Property(a => a.ContactFunction).HasMaxLength(Contacts.ContactRules.MaxFunctionLength);
        application.Property(a => a.DecisionReason).HasMaxLength(Membership.MembershipRules.MaxReasonLength);
        application.Property(a => a.DecidedBy).HasMaxLength(100);
        application.HasIndex(a => new { a.Country, a.Status, a.SubmittedAt });
        // One open application per school at a time.
        application.HasIndex(a => new { a.Country, a.NationalId }).IsUnique().HasFilter("status = 'Submitted'");
        application.Property(a => a.Version).IsConcurrencyToken();
    }
}

public static class ApplicationRules
{
    public const int MaxMotivationLength = 2_000;
}
