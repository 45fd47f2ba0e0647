using MenSI.Contracts.Courses;
using MenSI.ServiceDefaults.Data;
using MenSI.ServiceDefaults.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MenSI.Courses.Catalogue;

public enum CourseStatus { Draft, Published, Archived }

public enum Audience { Teachers, SchoolLeaders, Mentors, PolicyMakers }

public enum LessonKind { Video, Reading, Quiz, Assignment, Discussion }

public enum QuestionKind { SingleChoice, MultipleChoice }

/// <summary>
/// A course of the network's MOOC. Its outline (modules of lessons, quizzes with their answer keys) is one JSON
/// document: it is read and re-ordered as a whole, and lessons keep their ids across edits because learners' progress
/// names them. Every change bumps <see cref="Version"/> (the ETag).
/// </summary>
public sealed class Course
{
    private Course() { }

    public Guid Id { get; private set; }
    public string Title { get; private set; } = "";
    public string Summary { get; private set; } = "";
    public string Language { get; private set; } = "";
    public Audience Audience { get; private set; }
    public decimal EstimatedHours { get; private set; }
    public string Licence { get; private set; } = "";
    /// <summary>How long the credential a completion earns stays valid; null: for good.</summary>
    public int? CredentialValidityMonths { get; private set; }
    public CourseStatus Status { get; private set; }
    public Outline Outline { get; private set; } = Outline.Empty;
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? PublishedAt { get; private set; }
    public int Version { get; private set; }

    public static Course Create(CourseDetails details, DateTimeOffset now)
    {
        var course = new Course { Id = Guid.CreateVersion7(now), Status = CourseStatus.Draft, CreatedAt = now, Version = 0 };
        course.Describe(details, now);
        return course;
    }

    /// <summary>Changes the description; the announcement of it when the public reads this course (not a draft).</summary>
    public CourseRevised? Describe(CourseDetails details, DateTimeOffset now)
    {
        (Title, Summary, Language, Audience, EstimatedHours, Licence, CredentialValidityMonths) =
            (details.Title, details.Summary, details.Language, details.Audience, details.EstimatedHours, details.Licence, details.CredentialValidityMonths);
        Touch(now);
        return Revised("details", now);
    }

    /// <summary>Changes the outline; the announcement of it when the public reads this course (not a draft).</summary>
    public CourseRevised? ReplaceOutline(Outline outline, DateTimeOffset now)
    {
        Outline = outline;
        Touch(now);
        return Revised("outline", now);
    }

    public CoursePublished Publish(DateTimeOffset now)
    {
        MoveTo(CourseStatus.Published, now);
        return new CoursePublished(Guid.CreateVersion7(now), now, Id, Title, Language, WireEnum.Name(Audience), ModuleIds);
    }

    public CourseArchived Archive(DateTimeOffset now)
    {
        MoveTo(CourseStatus.Archived, now);
        return new CourseArchived(Guid.CreateVersion7(now), now, Id);
    }

    private void MoveTo(CourseStatus status, DateTimeOffset now)
    {
        if (status == CourseStatus.Published) PublishedAt ??= now;
        Status = status;
        Touch(now);
    }

    private List<Guid> ModuleIds => [.. Outline.Modules.Select(m => m.Id)];

    private CourseRevised? Revised(string change, DateTimeOffset now) =>
        Status == CourseStatus.Draft ? null : new CourseRevised(Guid.CreateVersion7(now), now, Id, change, ModuleIds);

    private void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
    }
}

public sealed record CourseDetails(string Title, string Summary, string Language, Audience Audience, decimal EstimatedHours, string Licence, int? CredentialValidityMonths);

public sealed record Outline(IReadOnlyList<Module> Modules)
{
    public static readonly Outline Empty = new([]);

    public IEnumerable<Lesson> Lessons => Modules.SelectMany(m => m.Lessons);

    public Lesson? FindLesson(Guid id) => Lessons.FirstOrDefault(l => l.Id == id);

    public Module? ModuleOf(Guid lessonId) => Modules.FirstOrDefault(m => m.Lessons.Any(l => l.Id == lessonId));
}

public sealed record Module(Guid Id, string Title, IReadOnlyList<Lesson> Lessons)
{
    /// <summary>The lessons that finish the module: its required ones, or all of them when none is required.</summary>
    public IEnumerable<Lesson> FinishingLessons => Lessons.Any(l => l.Required) ? Lessons.Where(l => l.Required) : Lessons;
}

/// <param name="ReadingHtml">The Markdown rendered and sanitised once, when written: what learners are served.</param>
public sealed record Lesson(
    Guid Id, string Title, LessonKind Kind, int EstimatedMinutes, bool Required,
    string? VideoUrl = null, string? ReadingMarkdown = null, string? ReadingHtml = null,
    string? Assignment = null, string? DiscussionUrl = null, Quiz? Quiz = null);

/// <param name="PassMarkPercent">The share of questions to get right, 1 to 100.</param>
public sealed record Quiz(int PassMarkPercent, int MaxAttempts, IReadOnlyList<Question> Questions);

/// <summary>A single-choice question has exactly one correct option, a multiple-choice one at least one.</summary>
public sealed record Question(Guid Id, string Text, QuestionKind Kind, IReadOnlyList<AnswerOption> Options);

/// <param name="Correct">The answer key: only ever in course authors' responses.</param>
public sealed record AnswerOption(Guid Id, string Text, bool Correct);

internal sealed class CourseConfiguration : IEntityTypeConfiguration<Course>
{
    public void Configure(EntityTypeBuilder<Course> course)
    {
        course.ToTable("courses");
        course.HasKey(c => c.Id);
        course.Property(c => c.Title).HasMaxLength(CourseRules.MaxTitleLength);
        course.Property(c => c.Summary).HasMaxLength(CourseRules.MaxSummaryLength);
        course.Property(c => c.Language).HasMaxLength(2).IsFixedLength();
        course.Property(c => c.Audience).HasConversion<string>().HasMaxLength(16);
        course.Property(c => c.EstimatedHours).HasPrecision(6, 1);
        course.Property(c => c.Licence).HasMaxLength(32);
        course.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
        course.Property(c => c.Outline).AsJsonDocument();
        course.Property(c => c.Version).IsConcurrencyToken();
        course.HasIndex(c => new { c.Status, c.Language });
    }
}
