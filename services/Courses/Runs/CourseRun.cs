using MenSI.Contracts.Courses;
using MenSI.Courses.Catalogue;
using MenSI.ServiceDefaults.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MenSI.Courses.Runs;

public enum RunStatus { Draft, Published }

/// <summary>
/// A cohort of a course: dates, an enrolment window and a number of places. <see cref="Taken"/> counts the places held
/// (enrolled or completed learners); it only ever changes in one conditional UPDATE (<c>taken &lt; capacity</c>), which
/// is what keeps 2,000 simultaneous enrolments from taking more than the capacity.
/// </summary>
public sealed class CourseRun
{
    private CourseRun() { }

    public Guid Id { get; private set; }
    public Guid CourseId { get; private set; }
    public string Language { get; private set; } = "";
    public DateOnly StartsOn { get; private set; }
    public DateOnly EndsOn { get; private set; }
    public DateOnly EnrolmentOpensOn { get; private set; }
    public DateOnly EnrolmentClosesOn { get; private set; }
    public int Capacity { get; private set; }
    public int Taken { get; private set; }
    public RunStatus Status { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? PublishedAt { get; private set; }
    public int Version { get; private set; }

    public static CourseRun Plan(Guid courseId, RunPlan plan, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now), CourseId = courseId, Language = plan.Language, StartsOn = plan.StartsOn, EndsOn = plan.EndsOn,
        EnrolmentOpensOn = plan.EnrolmentOpensOn, EnrolmentClosesOn = plan.EnrolmentClosesOn, Capacity = plan.Capacity,
        Status = RunStatus.Draft, CreatedAt = now, Version = 1,
    };

    public CourseRunPublished Publish(Course course, DateTimeOffset now)
    {
        Status = RunStatus.Published;
        PublishedAt = now;
        Version++;
        return new CourseRunPublished(Guid.CreateVersion7(now), now, CourseId, Id, Language, StartsOn, EndsOn, EnrolmentOpensOn, EnrolmentClosesOn,
            Capacity, [.. course.Outline.Modules.Select(m => m.Id)]);
    }

    public bool IsOpenOn(DateOnly day) => Status == RunStatus.Published && day >= EnrolmentOpensOn && day <= EnrolmentClosesOn;
}

public sealed record RunPlan(string Language, DateOnly StartsOn, DateOnly EndsOn, DateOnly EnrolmentOpensOn, DateOnly EnrolmentClosesOn, int Capacity);

public static class RunRules
{
    public const int MaxCapacity = 100_000;

    public static RuleViolation? WhyNotPublish(CourseRun run, Course course) =>
        run.Status != RunStatus.Draft ? new("run-not-draft", "The run is already published.")
        : course.Status != CourseStatus.Published ? new("course-not-published", "Publish the course before its runs: learners enrol in published courses only.")
        : null;

    public static RuleViolation? WhyNotEnrol(CourseRun run, Course course, DateOnly today) =>
        course.Status != CourseStatus.Published ? new("course-not-published", "The course is not open to learners.")
        : run.Status != RunStatus.Published ? new("run-not-published", "The run is not published yet.")
        : !run.IsOpenOn(today) ? new("enrolment-closed", $"Enrolment is open from {run.EnrolmentOpensOn:yyyy-MM-dd} to {run.EnrolmentClosesOn:yyyy-MM-dd}.")
        : null;
}

internal sealed class CourseRunConfiguration : IEntityTypeConfiguration<CourseRun>
{
    public void Configure(EntityTypeBuilder<CourseRun> run)
    {
        run.ToTable("course_runs", t => t.HasCheckConstraint("ck_course_runs_taken_within_capacity", "taken >= 0 AND taken <= capacity"));
        run.HasKey(r => r.Id);
        run.Property(r => r.Language).HasMaxLength(2).IsFixedLength();
        run.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        run.Property(r => r.Version).IsConcurrencyToken();
        run.HasOne<Course>().WithMany().HasForeignKey(r => r.CourseId);
        run.HasIndex(r => new { r.CourseId, r.StartsOn });
    }
}
