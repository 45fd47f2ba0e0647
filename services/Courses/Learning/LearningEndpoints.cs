using MenSI.Contracts.Courses;
using MenSI.Courses.Analytics;
using MenSI.Courses.Catalogue;
using MenSI.Courses.Runs;
using MenSI.ServiceDefaults.Data;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Messaging;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Courses.Learning;

/// <summary>
/// Learners (any signed-in person; machine clients do not learn) enrol, follow lessons, take quizzes and withdraw;
/// each sees their own enrolments, course authors see anyone's.
/// </summary>
public static class LearningEndpoints
{
    public static void MapLearningEndpoints(this IEndpointRouteBuilder app)
    {
        var courses = app.MapGroup(CourseEndpoints.Route).WithTags("Learning").RequireAuthorization(Policies.Member);
        courses.MapPost("/{id:guid}/runs/{runId:guid}/enrolments", Enrol).WithName("Enrol").WithIdempotency();
        courses.MapGet("/my/enrolments", MyEnrolments).WithName("ListMyEnrolments");
        courses.MapGet("/enrolments/{enrolmentId:guid}", GetEnrolment).WithName("GetEnrolment");
        courses.MapPost("/enrolments/{enrolmentId:guid}/withdraw", Withdraw).WithName("Withdraw");
        courses.MapPut("/enrolments/{enrolmentId:guid}/lessons/{lessonId:guid}", RecordProgress).WithName("RecordLessonProgress");
        courses.MapPost("/enrolments/{enrolmentId:guid}/lessons/{lessonId:guid}/attempts", SubmitAttempt).WithName("SubmitQuizAttempt");
    }

    internal static async Task<Results<Created<EnrolmentResponse>, ValidationProblem, ProblemHttpResult>> Enrol(
        Guid id, Guid runId, EnrolRequest request, Caller caller, EnrolmentDesk desk, CancellationToken ct)
    {
        if (caller.UserId is not { } learner) return Problems.Forbidden("Only people enrol: sign in as a user, not as a machine client.");
        var errors = new Dictionary<string, string[]>();
        if (request.ToRecipient(errors) is not { } recipient) return Problems.Validation(errors);

        // The desk checks the run, the course and the learner's other enrolments with everyone else who asked meanwhile,
        // and grants the places under the run's row lock: the capacity holds under any concurrency.
        var outcome = await desk.EnrolAsync(new EnrolmentRequest(id, runId, learner, caller.SchoolId, recipient), ct);
        if (outcome is { Enrolment: { } enrolment, Course: { } course })
        {
            return TypedResults.Created($"{CourseEndpoints.Route}/enrolments/{enrolment.Id}", ResponseOf(enrolment, course, outcome.WaitingPosition, []));
        }

        return outcome.Refused is { } refused ? Problems.Broken(refused) : Problems.NotFound("Run", runId);
    }

    internal static async Task<Results<Ok<Page<EnrolmentResponse>>, ValidationProblem, ProblemHttpResult>> MyEnrolments(
        int? page, int? pageSize, Caller caller, CoursesDbContext db, CancellationToken ct)
    {
        if (caller.UserId is not { } learner) return Problems.Forbidden("Only people have enrolments.");
        var paging = new PageQuery(page, pageSize);
        if (paging.Problem() is { } invalid) return invalid;
        var listed = await db.Enrolments.AsNoTracking().Where(e => e.LearnerId == learner)
            .ToPageAsync(q => q.OrderByDescending(e => e.RequestedAt).ThenBy(e => e.Id), paging, e => e, ct);
        var courseIds = listed.Items.Select(e => e.CourseId).Distinct().ToList();
        var courses = await db.Courses.AsNoTracking().Where(c => courseIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var items = new List<EnrolmentResponse>();
        foreach (var enrolment in listed.Items) items.Add(await ResponseAsync(db, enrolment, courses[enrolment.CourseId], ct));
        return TypedResults.Ok(new Page<EnrolmentResponse>(items, listed.PageNumber, listed.PageSize, listed.TotalCount, listed.TotalCountCapped));
    }

    internal static async Task<Results<Ok<EnrolmentResponse>, ProblemHttpResult>> GetEnrolment(
        Guid enrolmentId, Caller caller, ResourceAccess access, CoursesDbContext db, CancellationToken ct)
    {
        var enrolment = await db.Enrolments.AsNoTracking().FirstOrDefaultAsync(e => e.Id == enrolmentId, ct);
        if (enrolment is null) return Problems.NotFound("Enrolment", enrolmentId);
        if (access.Check(caller, MayRead(caller, enrolment), "read", $"enrolment {enrolmentId}") is { } denied) return denied;
        var course = await db.Courses.AsNoTracking().FirstAsync(c => c.Id == enrolment.CourseId, ct);
        return TypedResults.Ok(await ResponseAsync(db, enrolment, course, ct));
    }

    internal static async Task<Results<Ok<EnrolmentResponse>, ProblemHttpResult>> Withdraw(
        Guid enrolmentId, Caller caller, ResourceAccess access, CoursesDbContext db, LearnerProgress progress, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var enrolment = await progress.LockAsync(enrolmentId, ct);
        if (enrolment is null) return Problems.NotFound("Enrolment", enrolmentId);
        if (access.Check(caller, MayRead(caller, enrolment), "withdraw", $"enrolment {enrolmentId}") is { } denied) return denied;
        if (enrolment.Status is EnrolmentStatus.Withdrawn or EnrolmentStatus.Completed)
            return Problems.Broken(new("not-withdrawable", $"The enrolment is {WireEnum.Name(enrolment.Status)}: there is nothing to withdraw from."));

        var heldPlace = enrolment.HoldsPlace;
        enrolment.Withdraw(now);
        if (heldPlace) await Places.GiveBackAsync(db, enrolment, now, ct);
        else await LearningFigures.CountAsync(db, enrolment, new FigureChange(Waiting: -1), ct);

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        var course = await db.Courses.AsNoTracking().FirstAsync(c => c.Id == enrolment.CourseId, ct);
        return TypedResults.Ok(await ResponseAsync(db, enrolment, course, ct));
    }

    internal static async Task<Results<Ok<EnrolmentResponse>, ValidationProblem, ProblemHttpResult>> RecordProgress(
        Guid enrolmentId, Guid lessonId, ProgressRequest request, Caller caller, CoursesDbContext db, LearnerProgress progress, TimeProvider clock,
        CancellationToken ct)
    {
        if (request.State is not { } state)
            return Problems.Validation(new Dictionary<string, string[]> { ["state"] = [$"Required: one of {WireEnum.Values<ProgressState>()}."] });
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (enrolment, course, lesson, refused) = await OwnLessonAsync(db, progress, caller, enrolmentId, lessonId, ct);
        if (refused is not null) return refused;
        if (state == ProgressState.Completed && lesson!.Kind == LessonKind.Quiz)
            return Problems.Broken(new("quiz-completes-by-passing", "A quiz lesson is completed by passing an attempt, not by marking it done."));

        await progress.RecordAsync(enrolment!, course!, lesson!, state == ProgressState.Completed, clock.GetUtcNow(), ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(await ResponseAsync(db, enrolment!, course!, ct));
    }

    internal static async Task<Results<Created<AttemptResponse>, ValidationProblem, ProblemHttpResult>> SubmitAttempt(
        Guid enrolmentId, Guid lessonId, AttemptRequest request, Caller caller, CoursesDbContext db, LearnerProgress progress, TimeProvider clock,
        CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Answers is null) errors["answers"] = ["Required: one entry per question answered, with the chosen option ids."];
        var answers = (request.Answers ?? []).Select((a, i) =>
        {
            if (a.QuestionId is null) errors[$"answers[{i}].questionId"] = ["Required."];
            if (a.OptionIds is null) errors[$"answers[{i}].optionIds"] = ["Required (empty for no answer)."];
            return new QuizAnswer(a.QuestionId ?? Guid.Empty, a.OptionIds ?? []);
        }).ToList();
        if (errors.Count > 0) return Problems.Validation(errors);

        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (enrolment, course, lesson, refused) = await OwnLessonAsync(db, progress, caller, enrolmentId, lessonId, ct);
        if (refused is not null) return refused;
        if (lesson!.Quiz is not { } quiz) return Problems.NotFound("Quiz", lessonId);
        if (LearningRules.GradeQuiz(quiz, answers, errors) is not { } grade) return Problems.Validation(errors);

        var earlier = await db.QuizAttempts.AsNoTracking().Where(a => a.EnrolmentId == enrolmentId && a.LessonId == lessonId).ToListAsync(ct);
        if (earlier.Any(a => a.Passed)) return Problems.Broken(new("quiz-already-passed", "This quiz is passed; there is nothing to improve on."));
        if (earlier.Count >= quiz.MaxAttempts) return Problems.Broken(new("no-attempts-left", $"All {quiz.MaxAttempts} attempts are used."));

        var attempt = new QuizAttempt
        {
            Id = Guid.CreateVersion7(now), EnrolmentId = enrolmentId, LessonId = lessonId, Number = earlier.Count + 1, Answers = answers,
            CorrectCount = grade.CorrectCount, QuestionCount = grade.QuestionCount, ScorePercent = grade.ScorePercent, Passed = grade.Passed, SubmittedAt = now,
        };
        db.QuizAttempts.Add(attempt);
        await progress.RecordAsync(enrolment!, course!, lesson, grade.Passed, now, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Created($"{CourseEndpoints.Route}/enrolments/{enrolmentId}/lessons/{lessonId}/attempts/{attempt.Number}",
            new AttemptResponse(attempt.Id, lessonId, attempt.Number, grade.CorrectCount, grade.QuestionCount, grade.ScorePercent, grade.Passed,
                quiz.MaxAttempts - attempt.Number, enrolment!.Status, enrolment.CredentialId, now));
    }

    /// <summary>The caller's own enrolment (locked), holding a place, and a lesson of its course; or the problem to return.</summary>
    private static async Task<(Enrolment?, Course?, Lesson?, ProblemHttpResult?)> OwnLessonAsync(
        CoursesDbContext db, LearnerProgress progress, Caller caller, Guid enrolmentId, Guid lessonId, CancellationToken ct)
    {
        var enrolment = await progress.LockAsync(enrolmentId, ct);
        // Someone else's enrolment is not theirs to learn in: the same 404 as none at all.
        if (enrolment is null || enrolment.LearnerId is null || enrolment.LearnerId != caller.UserId) return (null, null, null, Problems.NotFound("Enrolment", enrolmentId));
        if (!enrolment.HoldsPlace)
            return (null, null, null, Problems.Broken(new("no-place", $"The enrolment is {WireEnum.Name(enrolment.Status)}: learning starts with a place in the run.")));
        var course = await db.Courses.AsNoTracking().FirstAsync(c => c.Id == enrolment.CourseId, ct);
        var lesson = course.Outline.FindLesson(lessonId);
        return lesson is null ? (null, null, null, Problems.NotFound("Lesson", lessonId)) : (enrolment, course, lesson, null);
    }

    private static bool MayRead(Caller caller, Enrolment enrolment) =>
        caller.IsCourseAuthor || (enrolment.LearnerId is not null && enrolment.LearnerId == caller.UserId);

    private static async Task<EnrolmentResponse> ResponseAsync(CoursesDbContext db, Enrolment e, Course course, CancellationToken ct)
    {
        var progress = await db.LessonProgress.AsNoTracking().Where(p => p.EnrolmentId == e.Id).OrderBy(p => p.StartedAt)
            .Select(p => new LessonProgressResponse(p.LessonId, p.ModuleId, p.StartedAt, p.CompletedAt)).ToListAsync(ct);
        int? position = e.Status == EnrolmentStatus.Waiting
            ? await db.Enrolments.CountAsync(w => w.RunId == e.RunId && w.Status == EnrolmentStatus.Waiting && w.Sequence <= e.Sequence, ct)
            : null;
        return ResponseOf(e, course, position, progress);
    }

    private static EnrolmentResponse ResponseOf(Enrolment e, Course course, int? waitingPosition, IReadOnlyList<LessonProgressResponse> progress)
    {
        var required = course.Outline.Lessons.Where(l => l.Required).Select(l => l.Id).ToHashSet();
        return new EnrolmentResponse(e.Id, e.CourseId, e.RunId, e.Status, waitingPosition, e.RequestedAt, e.EnrolledAt, e.WithdrawnAt, e.CompletedAt, e.CredentialId,
            required.Count, progress.Count(p => p.CompletedAt != null && required.Contains(p.LessonId)), progress);
    }
}

/// <summary>
/// A run's places: taken in one conditional UPDATE (atomic under the run's row lock, so the capacity holds under any
/// concurrency), and given back to the first learner waiting, skipping one another transaction is promoting.
/// </summary>
public static class Places
{
    public static async Task<bool> TakeAsync(CoursesDbContext db, Guid runId, CancellationToken ct) =>
        await db.Runs.Where(r => r.Id == runId && r.Taken < r.Capacity).ExecuteUpdateAsync(r => r.SetProperty(x => x.Taken, x => x.Taken + 1), ct) == 1;

    /// <summary>The place <paramref name="leaving"/> held goes back to the run, and on to the first learner waiting.</summary>
    public static async Task GiveBackAsync(CoursesDbContext db, Enrolment leaving, DateTimeOffset now, CancellationToken ct)
    {
        var runId = leaving.RunId;
        await LearningFigures.CountAsync(db, leaving, new FigureChange(Withdrawn: 1, Active: leaving.LastActivityAt is null ? 0 : -1), ct);
        await db.Runs.Where(r => r.Id == runId).ExecuteUpdateAsync(r => r.SetProperty(x => x.Taken, x => x.Taken - 1), ct);
        var next = (await db.Enrolments.FromSql($"""
            SELECT * FROM enrolments WHERE run_id = {runId} AND status = 'Waiting' ORDER BY sequence LIMIT 1 FOR UPDATE SKIP LOCKED
            """).ToListAsync(ct)).FirstOrDefault();
        if (next is null || !await TakeAsync(db, runId, ct)) return;
        next.Promote(now);
        db.AddIntegrationEvent(new LearnerEnrolled(Guid.CreateVersion7(now), now, next.Id, next.CourseId, runId, next.SchoolId, true));
        await LearningFigures.CountAsync(db, next, new FigureChange(Enrolled: 1, Waiting: -1), ct);
    }
}
