using MenSI.Contracts.Registry;
using MenSI.Courses.Analytics;
using MenSI.ServiceDefaults.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MenSI.Courses.Schools;

/// <summary>
/// A school's country, from the Registry's events: what the per-country analytics group learners by (a learner's token
/// names their school; the country is the Registry's fact). Only a newer version of the school changes it.
/// </summary>
public sealed class SchoolCountry
{
    public Guid SchoolId { get; init; }
    public string Country { get; set; } = "";
    public int Version { get; set; }
}

internal sealed class SchoolCountryConfiguration : IEntityTypeConfiguration<SchoolCountry>
{
    public void Configure(EntityTypeBuilder<SchoolCountry> school)
    {
        school.ToTable("school_countries");
        school.HasKey(s => s.SchoolId);
        school.Property(s => s.Country).HasMaxLength(2).IsFixedLength();
        school.HasIndex(s => s.Country);
    }
}

public sealed class SchoolRegisteredConsumer(CoursesDbContext db, ILogger<SchoolRegisteredConsumer> logger)
    : InboxBatchConsumer<SchoolRegistered, CoursesDbContext>(db, logger)
{
    protected override string InboxName => "SchoolRegisteredConsumer";

    protected override Task HandleAsync(IReadOnlyList<SchoolRegistered> events, CancellationToken cancellationToken) =>
        Db.FoldCountriesAsync(events.Select(e => (e.SchoolId, e.Country, e.Version)), cancellationToken);
}

public sealed class SchoolProfileUpdatedConsumer(CoursesDbContext db, ILogger<SchoolProfileUpdatedConsumer> logger)
    : InboxBatchConsumer<SchoolProfileUpdated, CoursesDbContext>(db, logger)
{
    protected override string InboxName => "SchoolProfileUpdatedConsumer";

    protected override Task HandleAsync(IReadOnlyList<SchoolProfileUpdated> events, CancellationToken cancellationToken) =>
        Db.FoldCountriesAsync(events.Select(e => (e.SchoolId, e.Country, e.Version)), cancellationToken);
}

internal static class SchoolCountryFolding
{
    /// <summary>One batch at a time; duplicates and stale versions change nothing, whatever order they arrive in.</summary>
    public static async Task FoldCountriesAsync(this CoursesDbContext db, IEnumerable<(Guid SchoolId, string Country, int Version)> facts, CancellationToken cancellationToken)
    {
        var latest = facts.GroupBy(f => f.SchoolId).Select(g => g.MaxBy(f => f.Version)).ToList();
        await LearningFigures.MoveSchoolsAsync(db, [.. latest.Select(f => f.SchoolId)], [.. latest.Select(f => f.Country)], [.. latest.Select(f => f.Version)],
            cancellationToken);
    }
}
