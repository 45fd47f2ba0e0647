using MenSI.Courses.Analytics;
using MenSI.Courses.Catalogue;
using MenSI.Courses.Learning;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Courses.PersonalData;

public sealed record AttemptExport(Guid LessonId, int Number, IReadOnlyList<QuizAnswer> Answers, int ScorePercent, bool Passed, DateTimeOffset SubmittedAt);

public sealed record EnrolmentExport(
    Guid Id, Guid CourseId, string CourseTitle, Guid RunId, Guid? SchoolId, EnrolmentStatus Status, DateTimeOffset RequestedAt, DateTimeOffset? EnrolledAt,
    DateTimeOffset? WithdrawnAt, DateTimeOffset? CompletedAt, string? BadgeRecipientHash, IReadOnlyList<LessonProgressResponse> Progress,
    IReadOnlyList<AttemptExport> Attempts, Guid? CredentialId, string? Credential);

public sealed record PersonalDataExport(Guid LearnerId, DateTimeOffset ExportedAt, IReadOnlyList<EnrolmentExport> Enrolments);

/// <summary>
/// A learner's data (GDPR articles 15 and 17): everything Courses holds about them, and its erasure. Erasure withdraws
/// from runs still in progress (a waiting learner gets the place), deletes progress and answers, and unlinks the
/// enrolments from the person; the figures (enrolled, completed, the funnel) stay as they were, and issued credentials
/// stay verifiable from the holder's own copy.
/// </summary>
public static class PersonalDataEndpoints
{
    public static void MapPersonalDataEndpoints(this IEndpointRouteBuilder app)
    {
        var data = app.MapGroup(CourseEndpoints.Route).WithTags("Personal data");
        data.MapGet("/my/data", ExportOwn).WithName("ExportMyLearningData").RequireAuthorization(Policies.Member);
        data.MapDelete("/my/data", EraseOwn).WithName("EraseMyLearningData").RequireAuthorization(Policies.Member);
        data.MapDelete("/learners/{learnerId:guid}/data", EraseLearner).WithName("EraseLearnerData").RequireAuthorization(Policies.NetworkAdmin);
    }

    internal static async Task<Results<Ok<PersonalDataExport>, ProblemHttpResult>> ExportOwn(Caller caller, CoursesDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (caller.UserId is not { } learner) return Problems.Forbidden("Only people have learning data.");
        var enrolments = await db.Enrolments.AsNoTracking().Where(e => e.LearnerId == learner).OrderBy(e => e.RequestedAt).ToListAsync(ct);
        var ids = enrolments.Select(e => e.Id).ToList();
        var progress = await db.LessonProgress.AsNoTracking().Where(p => ids.Contains(p.EnrolmentId)).ToListAsync(ct);
        var attempts = await db.QuizAttempts.AsNoTracking().Where(a => ids.Contains(a.EnrolmentId)).OrderBy(a => a.SubmittedAt).ToListAsync(ct);
        var credentials = await db.Credentials.AsNoTracking().Where(c => c.EnrolmentId != null && ids.Contains(c.EnrolmentId.Value)).ToDictionaryAsync(c => c.EnrolmentId!.Value, ct);
        var courseIds = enrolments.Select(e => e.CourseId).Distinct().ToList();
        var titles = await db.Courses.AsNoTracking().Where(c => courseIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Title, ct);
        return TypedResults.Ok(new PersonalDataExport(learner, clock.GetUtcNow(), [.. enrolments.Select(e => new EnrolmentExport(
            e.Id, e.CourseId, titles[e.CourseId], e.RunId, e.SchoolId, e.Status, e.RequestedAt, e.EnrolledAt, e.WithdrawnAt, e.CompletedAt, e.RecipientHash,
            [.. progress.Where(p => p.EnrolmentId == e.Id).Select(p => new LessonProgressResponse(p.LessonId, p.ModuleId, p.StartedAt, p.CompletedAt))],
            [.. attempts.Where(a => a.EnrolmentId == e.Id).Select(a => new AttemptExport(a.LessonId, a.Number, a.Answers, a.ScorePercent, a.Passed, a.SubmittedAt))],
            e.CredentialId, credentials.GetValueOrDefault(e.Id)?.Jwt))]));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> EraseOwn(Caller caller, CoursesDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (caller.UserId is not { } learner) return Problems.Forbidden("Only people have learning data.");
        await EraseAsync(db, learner, clock.GetUtcNow(), ct);
        return TypedResults.NoContent();
    }

    internal static async Task<NoContent> EraseLearner(Guid learnerId, Caller caller, ResourceAccess access, CoursesDbContext db, TimeProvider clock, CancellationToken ct)
    {
        await EraseAsync(db, learnerId, clock.GetUtcNow(), ct);
        access.Check(caller, true, "erase the learning data of", $"learner {learnerId}");
        return TypedResults.NoContent();
    }

    private static async Task EraseAsync(CoursesDbContext db, Guid learner, DateTimeOffset now, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var enrolments = await db.Enrolments.FromSql($"SELECT * FROM enrolments WHERE learner_id = {learner} FOR UPDATE").ToListAsync(ct);
        var ids = enrolments.Select(e => e.Id).ToList();
        foreach (var enrolment in enrolments)
        {
            if (enrolment.Status is EnrolmentStatus.Enrolled or EnrolmentStatus.Waiting)
            {
                var heldPlace = enrolment.HoldsPlace;
                enrolment.Withdraw(now);
                if (heldPlace) await Places.GiveBackAsync(db, enrolment, now, ct);
                else await LearningFigures.CountAsync(db, enrolment, new FigureChange(Waiting: -1), ct);
            }

            enrolment.Erase(now);
        }

        await db.LessonProgress.Where(p => ids.Contains(p.EnrolmentId)).ExecuteDeleteAsync(ct);
        await db.QuizAttempts.Where(a => ids.Contains(a.EnrolmentId)).ExecuteDeleteAsync(ct);
        await db.Credentials.Where(c => c.EnrolmentId != null && ids.Contains(c.EnrolmentId.Value))
            .ExecuteUpdateAsync(c => c.SetProperty(x => x.Jwt, (string?)null), ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }
}
