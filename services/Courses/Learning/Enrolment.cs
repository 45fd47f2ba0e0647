using MenSI.ServiceDefaults.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MenSI.Courses.Learning;

public enum EnrolmentStatus { Enrolled, Waiting, Withdrawn, Completed }

/// <summary>
/// A learner in a run: holding a place (enrolled, then completed), waiting for one in <see cref="Sequence"/> order, or
/// withdrawn. The learner is named only by their account's opaque id, and the badge recipient only by a salted hash
/// of the email they chose for it; erasure clears both and leaves the enrolment as an anonymous figure.
/// </summary>
public sealed class Enrolment
{
    private Enrolment() { }

    public Guid Id { get; private set; }
    /// <summary>From a database sequence, in the order the desk took the requests: the waiting list's order, across replicas.</summary>
    public long Sequence { get; private set; }
    public Guid CourseId { get; private set; }
    public Guid RunId { get; private set; }
    public Guid? LearnerId { get; private set; }
    public Guid? SchoolId { get; private set; }
    public EnrolmentStatus Status { get; private set; }
    public DateTimeOffset RequestedAt { get; private set; }
    public DateTimeOffset? EnrolledAt { get; private set; }
    public DateTimeOffset? WithdrawnAt { get; private set; }
    public DateTimeOffset? CompletedAt { get; private set; }
    public DateTimeOffset? LastActivityAt { get; private set; }
    /// <summary><c>sha256$hex(sha256(email + salt))</c>, per Open Badges: the credential's recipient, never the email.</summary>
    public string? RecipientHash { get; private set; }
    public string? RecipientSalt { get; private set; }
    public Guid? CredentialId { get; private set; }
    public DateTimeOffset? ErasedAt { get; private set; }

    public bool HoldsPlace => Status is EnrolmentStatus.Enrolled or EnrolmentStatus.Completed;

    public static Enrolment Request(Guid courseId, Guid runId, Guid learnerId, Guid? schoolId, (string Hash, string Salt) recipient, bool placeTaken, long sequence,
        DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now), Sequence = sequence, CourseId = courseId, RunId = runId, LearnerId = learnerId, SchoolId = schoolId,
        Status = placeTaken ? EnrolmentStatus.Enrolled : EnrolmentStatus.Waiting, RequestedAt = now, EnrolledAt = placeTaken ? now : null,
        RecipientHash = recipient.Hash, RecipientSalt = recipient.Salt,
    };

    public void Promote(DateTimeOffset now)
    {
        Status = EnrolmentStatus.Enrolled;
        EnrolledAt = now;
    }

    public void Withdraw(DateTimeOffset now)
    {
        Status = EnrolmentStatus.Withdrawn;
        WithdrawnAt = now;
    }

    public void Touch(DateTimeOffset now) => LastActivityAt = now;

    public void Complete(Guid credentialId, DateTimeOffset now)
    {
        Status = EnrolmentStatus.Completed;
        CompletedAt = now;
        CredentialId = credentialId;
    }

    /// <summary>Forgets who the learner was; the enrolment stays as a figure (its run, school, dates and status).</summary>
    public void Erase(DateTimeOffset now)
    {
        LearnerId = null;
        RecipientHash = null;
        RecipientSalt = null;
        ErasedAt = now;
    }
}

/// <summary>A learner's progress in one lesson (quiz lessons complete when a quiz attempt passes).</summary>
public sealed class LessonProgress
{
    public Guid EnrolmentId { get; init; }
    public Guid LessonId { get; init; }
    public Guid ModuleId { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; set; }
}

/// <summary>One graded attempt at a quiz. The answers are the learner's (exported, and deleted on erasure).</summary>
public sealed class QuizAttempt
{
    public Guid Id { get; init; }
    public Guid EnrolmentId { get; init; }
    public Guid LessonId { get; init; }
    public int Number { get; init; }
    public List<QuizAnswer> Answers { get; init; } = [];
    public int CorrectCount { get; init; }
    public int QuestionCount { get; init; }
    public int ScorePercent { get; init; }
    public bool Passed { get; init; }
    public DateTimeOffset SubmittedAt { get; init; }
}

public sealed record QuizAnswer(Guid QuestionId, IReadOnlyList<Guid> OptionIds);

internal sealed class LearningConfiguration :
    IEntityTypeConfiguration<Enrolment>, IEntityTypeConfiguration<LessonProgress>, IEntityTypeConfiguration<QuizAttempt>
{
    public const string OneActiveEnrolmentIndex = "ix_enrolments_one_per_learner_and_run";
    public const string AttemptNumberIndex = "ix_quiz_attempts_number";
    public const string SequenceName = "enrolment_sequence";

    public void Configure(EntityTypeBuilder<Enrolment> enrolment)
    {
        enrolment.ToTable("enrolments");
        enrolment.HasKey(e => e.Id);
        enrolment.Property(e => e.Sequence).HasDefaultValueSql($"nextval('{SequenceName}')");
        enrolment.Property(e => e.Status).HasConversion<string>().HasMaxLength(16);
        enrolment.Property(e => e.RecipientHash).HasMaxLength(80);
        enrolment.Property(e => e.RecipientSalt).HasMaxLength(40);
        enrolment.Ignore(e => e.HoldsPlace);
        enrolment.HasIndex(e => new { e.RunId, e.LearnerId }).IsUnique().HasDatabaseName(OneActiveEnrolmentIndex)
            .HasFilter("learner_id IS NOT NULL AND status <> 'Withdrawn'");
        enrolment.HasIndex(e => new { e.RunId, e.Status, e.Sequence });
        enrolment.HasIndex(e => new { e.CourseId, e.Status });
        enrolment.HasIndex(e => e.LearnerId);
    }

    public void Configure(EntityTypeBuilder<LessonProgress> progress)
    {
        progress.ToTable("lesson_progress");
        progress.HasKey(p => new { p.EnrolmentId, p.LessonId });
        progress.HasOne<Enrolment>().WithMany().HasForeignKey(p => p.EnrolmentId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<QuizAttempt> attempt)
    {
        attempt.ToTable("quiz_attempts");
        attempt.HasKey(a => a.Id);
        attempt.Property(a => a.Answers).AsJsonDocument();
        attempt.HasIndex(a => new { a.EnrolmentId, a.LessonId, a.Number }).IsUnique().HasDatabaseName(AttemptNumberIndex);
        attempt.HasOne<Enrolment>().WithMany().HasForeignKey(a => a.EnrolmentId).OnDelete(DeleteBehavior.Cascade);
    }
}
