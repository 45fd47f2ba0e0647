using MenSI.Contracts.Courses;
using MenSI.Courses.Analytics;
using MenSI.Courses.Catalogue;
using MenSI.Courses.Credentials;
using MenSI.ServiceDefaults.Messaging;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Courses.Learning;

/// <summary>
/// Moves a learner through a course, inside the caller's transaction with the enrolment row locked (one learner's
/// requests are serialised, so a module is counted as started or finished once): the lesson's progress, the funnel's
/// counters when a module is first started or finished, and completion with its credential and event.
/// </summary>
public sealed class LearnerProgress(CoursesDbContext db, CredentialIssuer issuer)
{
    /// <summary>The enrolment, locked until the transaction ends; null when there is none.</summary>
    public async Task<Enrolment?> LockAsync(Guid enrolmentId, CancellationToken cancellationToken) =>
        (await db.Enrolments.FromSql($"SELECT * FROM enrolments WHERE id = {enrolmentId} FOR UPDATE").ToListAsync(cancellationToken)).FirstOrDefault();

    public async Task RecordAsync(Enrolment enrolment, Course course, Lesson lesson, bool complete, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = await db.LessonProgress.Where(p => p.EnrolmentId == enrolment.Id).ToListAsync(cancellationToken);
        var touchedBefore = rows.Select(p => p.LessonId).ToHashSet();
        var completedBefore = rows.Where(p => p.CompletedAt != null).Select(p => p.LessonId).ToHashSet();
        var module = course.Outline.ModuleOf(lesson.Id)!;

        var row = rows.FirstOrDefault(p => p.LessonId == lesson.Id);
        if (row is null)
        {
            row = new LessonProgress { EnrolmentId = enrolment.Id, LessonId = lesson.Id, ModuleId = module.Id, StartedAt = now };
            db.LessonProgress.Add(row);
        }

        if (complete) row.CompletedAt ??= now;
        var touched = touchedBefore.Append(lesson.Id).ToHashSet();
        var completed = complete ? completedBefore.Append(lesson.Id).ToHashSet() : completedBefore;
        var started = !LearningRules.HasStarted(module, touchedBefore) && LearningRules.HasStarted(module, touched);
        var finished = !LearningRules.HasFinished(module, completedBefore) && LearningRules.HasFinished(module, completed);
        if (started || finished) await LearningFigures.CountModuleAsync(db, enrolment, module.Id, started ? 1 : 0, finished ? 1 : 0, cancellationToken);
        // A learner's first step makes them one of the run's active learners, until they complete or withdraw.
        if (rows.Count == 0) await LearningFigures.CountAsync(db, enrolment, new FigureChange(Active: 1), cancellationToken);
        enrolment.Touch(now);

        if (enrolment.Status == EnrolmentStatus.Enrolled && LearningRules.IsComplete(course.Outline, completed))
        {
            var credential = await issuer.IssueAsync(enrolment, course, now, cancellationToken);
            enrolment.Complete(credential.Id, now);
            await LearningFigures.CountAsync(db, enrolment, new FigureChange(Completed: 1, Active: -1), cancellationToken);
            db.AddIntegrationEvent(new CourseCompleted(Guid.CreateVersion7(now), now, enrolment.Id, enrolment.CourseId, enrolment.RunId, enrolment.SchoolId,
                credential.Id, DateOnly.FromDateTime(now.UtcDateTime)));
        }
    }
}
