using MenSI.Courses.Learning;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MenSI.Courses.Analytics;

/// <summary>A change to a run's figures: places taken, learners waiting, in progress (started, neither completed nor withdrawn), withdrawn after taking a place, completed.</summary>
public sealed record FigureChange(int Enrolled = 0, int Waiting = 0, int Active = 0, int Withdrawn = 0, int Completed = 0);

/// <summary>A run's figures for the learners of one school (<see cref="Guid.Empty"/>: learners who named none).</summary>
public sealed class RunCount
{
    public Guid RunId { get; init; }
    public Guid SchoolKey { get; init; }
    public int Enrolled { get; init; }
    public int Waiting { get; init; }
    public int Active { get; init; }
    public int Withdrawn { get; init; }
    public int Completed { get; init; }
}

/// <summary>The same figures summed per country (<c>unknown</c> until the Registry announces the school): what analytics read.</summary>
public sealed class RunCountByCountry
{
    public Guid RunId { get; init; }
    public string Country { get; init; } = "";
    public int Enrolled { get; init; }
    public int Waiting { get; init; }
    public int Active { get; init; }
    public int Withdrawn { get; init; }
    public int Completed { get; init; }
}

/// <summary>The drop-off funnel for one school's learners: how many started and finished each module of a run.</summary>
public sealed class ModuleCount
{
    public Guid RunId { get; init; }
    public Guid ModuleId { get; init; }
    public Guid SchoolKey { get; init; }
    public int Started { get; init; }
    public int Finished { get; init; }
}

public sealed class ModuleCountByCountry
{
    public Guid RunId { get; init; }
    public Guid ModuleId { get; init; }
    public string Country { get; init; } = "";
    public int Started { get; init; }
    public int Finished { get; init; }
}

/// <summary>
/// The course analytics' figures, counted as they happen, in the transaction of each change: per school (the source)
/// and per country (what reports read: a few hundred rows for 100,000 enrolments). A school's country comes from the
/// Registry's events and may arrive after its learners' first steps; then <see cref="MoveSchoolsAsync"/> moves the
/// school's counts from its old country (or <c>unknown</c>) to the new one. A per-school advisory lock, shared by
/// learners and exclusive for the move, keeps a count from landing in the old country while the move runs.
/// </summary>
public static class LearningFigures
{
    public const string UnknownCountry = "unknown";

    public static Task CountAsync(CoursesDbContext db, Enrolment enrolment, FigureChange change, CancellationToken ct) =>
        CountAsync(db, enrolment.RunId, enrolment.SchoolId, change, ct);

    public static Task CountAsync(CoursesDbContext db, Guid runId, Guid? schoolId, FigureChange c, CancellationToken ct)
    {
        var school = schoolId ?? Guid.Empty;
        return db.Database.ExecuteSqlAsync($"""
            SELECT pg_advisory_xact_lock_shared(hashtextextended({school}::text, 0));
            INSERT INTO run_counts (run_id, school_key, enrolled, waiting, active, withdrawn, completed)
            VALUES ({runId}, {school}, {c.Enrolled}, {c.Waiting}, {c.Active}, {c.Withdrawn}, {c.Completed})
            ON CONFLICT (run_id, school_key) DO UPDATE SET enrolled = run_counts.enrolled + excluded.enrolled, waiting = run_counts.waiting + excluded.waiting,
                active = run_counts.active + excluded.active, withdrawn = run_counts.withdrawn + excluded.withdrawn, completed = run_counts.completed + excluded.completed;
            INSERT INTO run_counts_by_country (run_id, country, enrolled, waiting, active, withdrawn, completed)
            VALUES ({runId}, coalesce((SELECT country FROM school_countries WHERE school_id = {school}), {UnknownCountry}),
                    {c.Enrolled}, {c.Waiting}, {c.Active}, {c.Withdrawn}, {c.Completed})
            ON CONFLICT (run_id, country) DO UPDATE SET enrolled = run_counts_by_country.enrolled + excluded.enrolled,
                waiting = run_counts_by_country.waiting + excluded.waiting, active = run_counts_by_country.active + excluded.active,
                withdrawn = run_counts_by_country.withdrawn + excluded.withdrawn, completed = run_counts_by_country.completed + excluded.completed;
            """, ct);
    }

    public static Task CountModuleAsync(CoursesDbContext db, Enrolment enrolment, Guid moduleId, int started, int finished, CancellationToken ct)
    {
        var school = enrolment.SchoolId ?? Guid.Empty;
        return db.Database.ExecuteSqlAsync($"""
            SELECT pg_advisory_xact_lock_shared(hashtextextended({school}::text, 0));
            INSERT INTO module_counts (run_id, module_id, school_key, started, finished)
            VALUES ({enrolment.RunId}, {moduleId}, {school}, {started}, {finished})
            ON CONFLICT (run_id, module_id, school_key)
            DO UPDATE SET started = module_counts.started + excluded.started, finished = module_counts.finished + excluded.finished;
            INSERT INTO module_counts_by_country (run_id, module_id, country, started, finished)
            VALUES ({enrolment.RunId}, {moduleId}, coalesce((SELECT country FROM school_countries WHERE school_id = {school}), {UnknownCountry}), {started}, {finished})
            ON CONFLICT (run_id, module_id, country)
            DO UPDATE SET started = module_counts_by_country.started + excluded.started, finished = module_counts_by_country.finished + excluded.finished;
            """, ct);
    }

    /// <summary>
    /// Records the schools' countries (a newer version wins; duplicates and stale events change nothing) and moves the
    /// counts of every school whose country changed: one statement for the moves, one for the countries.
    /// </summary>
    public static async Task MoveSchoolsAsync(CoursesDbContext db, Guid[] ids, string[] countries, int[] versions, CancellationToken ct)
    {
        await db.Database.ExecuteSqlAsync($"""
            SELECT pg_advisory_xact_lock(hashtextextended(id::text, 0)) FROM (SELECT unnest({ids}) AS id ORDER BY 1) ids;
            WITH incoming AS (SELECT * FROM unnest({ids}, {countries}, {versions}) AS t(school_id, country, version)),
            moved AS (
                SELECT i.school_id, coalesce(s.country, {UnknownCountry}) AS old_country, i.country AS new_country
                FROM incoming i LEFT JOIN school_countries s ON s.school_id = i.school_id
                WHERE (s.school_id IS NULL OR s.version < i.version) AND coalesce(s.country, {UnknownCountry}) <> i.country),
            run_moves AS (
                INSERT INTO run_counts_by_country (run_id, country, enrolled, waiting, active, withdrawn, completed)
                SELECT run_id, country, sum(enrolled), sum(waiting), sum(active), sum(withdrawn), sum(completed) FROM (
                    SELECT r.run_id, m.old_country AS country, -r.enrolled AS enrolled, -r.waiting AS waiting, -r.active AS active, -r.withdrawn AS withdrawn, -r.completed AS completed
                    FROM run_counts r JOIN moved m ON m.school_id = r.school_key
                    UNION ALL
                    SELECT r.run_id, m.new_country, r.enrolled, r.waiting, r.active, r.withdrawn, r.completed
                    FROM run_counts r JOIN moved m ON m.school_id = r.school_key) d
                GROUP BY run_id, country
                ON CONFLICT (run_id, country) DO UPDATE SET enrolled = run_counts_by_country.enrolled + excluded.enrolled,
                    waiting = run_counts_by_country.waiting + excluded.waiting, active = run_counts_by_country.active + excluded.active,
                    withdrawn = run_counts_by_country.withdrawn + excluded.withdrawn, completed = run_counts_by_country.completed + excluded.completed
                RETURNING 1)
            INSERT INTO module_counts_by_country (run_id, module_id, country, started, finished)
            SELECT run_id, module_id, country, sum(started), sum(finished) FROM (
                SELECT c.run_id, c.module_id, m.old_country AS country, -c.started AS started, -c.finished AS finished
                FROM module_counts c JOIN moved m ON m.school_id = c.school_key
                UNION ALL
                SELECT c.run_id, c.module_id, m.new_country, c.started, c.finished FROM module_counts c JOIN moved m ON m.school_id = c.school_key) d
            GROUP BY run_id, module_id, country
            ON CONFLICT (run_id, module_id, country) DO UPDATE SET started = module_counts_by_country.started + excluded.started,
                finished = module_counts_by_country.finished + excluded.finished;
            INSERT INTO school_countries (school_id, country, version)
            SELECT * FROM unnest({ids}, {countries}, {versions})
            ON CONFLICT (school_id) DO UPDATE SET country = excluded.country, version = excluded.version
            WHERE school_countries.version < excluded.version;
            """, ct);
    }
}

internal sealed class FiguresConfiguration :
    IEntityTypeConfiguration<RunCount>, IEntityTypeConfiguration<RunCountByCountry>, IEntityTypeConfiguration<ModuleCount>, IEntityTypeConfiguration<ModuleCountByCountry>
{
    public void Configure(EntityTypeBuilder<RunCount> count)
    {
        count.ToTable("run_counts");
        count.HasKey(c => new { c.RunId, c.SchoolKey });
    }

    public void Configure(EntityTypeBuilder<RunCountByCountry> count)
    {
        count.ToTable("run_counts_by_country");
        count.HasKey(c => new { c.RunId, c.Country });
        count.Property(c => c.Country).HasMaxLength(8);
    }

    public void Configure(EntityTypeBuilder<ModuleCount> count)
    {
        count.ToTable("module_counts");
        count.HasKey(c => new { c.RunId, c.ModuleId, c.SchoolKey });
    }

    public void Configure(EntityTypeBuilder<ModuleCountByCountry> count)
    {
        count.ToTable("module_counts_by_country");
        count.HasKey(c => new { c.RunId, c.ModuleId, c.Country });
        count.Property(c => c.Country).HasMaxLength(8);
    }
}
