using MenSI.Contracts.Courses;
using MenSI.Courses.Analytics;
using MenSI.Courses.Catalogue;
using MenSI.Courses.Runs;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Data;
using MenSI.ServiceDefaults.Messaging;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Courses.Learning;

/// <summary>A learner asking for a place: who, from which school, and the badge recipient's hash.</summary>
public sealed record EnrolmentRequest(Guid CourseId, Guid RunId, Guid LearnerId, Guid? SchoolId, (string Hash, string Salt) Recipient);

/// <summary>What the desk decided: the enrolment made (with its place on the waiting list), or why not (null run: no such run).</summary>
public sealed record EnrolmentOutcome(Enrolment? Enrolment, int? WaitingPosition, Course? Course, RuleViolation? Refused)
{
    public static readonly EnrolmentOutcome NoSuchRun = new(null, null, null, null);
}

/// <summary>
/// Takes enrolments a run at a time, in batches: the requests that arrive while a batch is being written wait and go
/// together in the next one, in arrival order. One transaction per batch locks the run's row, grants the places left
/// to the first requests and puts the rest on the waiting list, so 2,000 learners asking at once cost a few
/// transactions, not 2,000 turns at the run's lock (each holding a database connection while it waits). The batch also
/// reads the run and the course and checks every rule once for all of them: an enrolment costs the request no query
/// of its own. Across replicas the row lock still orders the batches, so the capacity holds however many processes
/// take enrolments.
/// </summary>
public sealed partial class EnrolmentDesk(IServiceScopeFactory scopes, TimeProvider clock, ILogger<EnrolmentDesk> logger)
{
    public const int MaxBatch = 250;

    private sealed class Pending(EnrolmentRequest request)
    {
        public EnrolmentRequest Request { get; } = request;
        public TaskCompletionSource<EnrolmentOutcome> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class RunQueue
    {
        public List<Pending> Items { get; } = [];
        public bool Draining { get; set; }
    }

    private readonly Dictionary<Guid, RunQueue> _runs = [];
    private readonly Lock _gate = new();

    /// <summary>The enrolment made (enrolled or waiting), or the rule that refused it.</summary>
    public Task<EnrolmentOutcome> EnrolAsync(EnrolmentRequest request, CancellationToken cancellationToken)
    {
        var pending = new Pending(request);
        RunQueue? toDrain = null;
        lock (_gate)
        {
            if (!_runs.TryGetValue(request.RunId, out var queue)) _runs[request.RunId] = queue = new RunQueue();
            queue.Items.Add(pending);
            if (!queue.Draining) toDrain = queue;
            queue.Draining = true;
        }

        if (toDrain is not null) _ = Task.Run(() => DrainAsync(request.RunId, toDrain), CancellationToken.None);
        // The batch goes on without a caller who gave up: the others in it are waiting for the same transaction.
        return pending.Outcome.Task.WaitAsync(cancellationToken);
    }

    private async Task DrainAsync(Guid runId, RunQueue queue)
    {
        while (true)
        {
            List<Pending> batch;
            lock (_gate)
            {
                if (queue.Items.Count == 0)
                {
                    queue.Draining = false;
                    _runs.Remove(runId);
                    return;
                }

                batch = queue.Items.Take(MaxBatch).ToList();
                queue.Items.RemoveRange(0, batch.Count);
            }

            try
            {
                if (!await TryWriteAsync(runId, batch))
                {
                    // Another process enrolled one of these learners meanwhile: each goes alone, so only that one is refused.
                    foreach (var one in batch) await WriteAloneAsync(runId, one);
                }
            }
            catch (Exception e)
            {
                Failed(runId, batch.Count, e);
                foreach (var p in batch) p.Outcome.TrySetException(e);
            }
        }
    }

    private async Task WriteAloneAsync(Guid runId, Pending one)
    {
        try
        {
            if (!await TryWriteAsync(runId, [one])) one.Outcome.TrySetResult(new(null, null, null, AlreadyEnrolled));
        }
        catch (Exception e)
        {
            one.Outcome.TrySetException(e);
        }
    }

    public static readonly RuleViolation AlreadyEnrolled =
        new("already-enrolled", "You are already enrolled in (or waiting for) this run; see /api/v1/courses/my/enrolments.");

    /// <summary>Writes the batch in one transaction; false (nothing written) when a learner's enrolment appeared meanwhile.</summary>
    private async Task<bool> TryWriteAsync(Guid runId, List<Pending> batch)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CoursesDbContext>();
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        var run = (await db.Runs.FromSql($"SELECT * FROM course_runs WHERE id = {runId} FOR UPDATE").ToListAsync(CancellationToken.None)).SingleOrDefault();
        var course = run is null ? null : await db.Courses.AsNoTracking().FirstOrDefaultAsync(c => c.Id == run.CourseId, CancellationToken.None);
        var refused = run is null || course is null || course.Status == CourseStatus.Draft ? null
            : RunRules.WhyNotEnrol(run, course, DateOnly.FromDateTime(now.UtcDateTime));
        if (run is null || course is null || course.Status == CourseStatus.Draft || refused is not null)
        {
            foreach (var p in batch) p.Outcome.TrySetResult(refused is null ? EnrolmentOutcome.NoSuchRun : new(null, null, course, refused));
            return true;
        }

        var learners = batch.Select(p => p.Request.LearnerId).ToList();
        var enrolledAlready = (await db.Enrolments.Where(e => e.RunId == runId && e.LearnerId != null && learners.Contains(e.LearnerId.Value) && e.Status != EnrolmentStatus.Withdrawn)
            .Select(e => e.LearnerId!.Value).ToListAsync(CancellationToken.None)).ToHashSet();
        var waitingBefore = await db.Enrolments.CountAsync(e => e.RunId == runId && e.Status == EnrolmentStatus.Waiting, CancellationToken.None);

        // Sequence numbers in the order the requests came: the waiting list's order is the order learners asked.
        var sequence = new Queue<long>((await db.Database.SqlQuery<long>(
            $"SELECT nextval({LearningConfiguration.SequenceName}::regclass) AS \"Value\" FROM generate_series(1, {batch.Count})").ToListAsync(CancellationToken.None)).Order());
        var placesLeft = run.Capacity - run.Taken;
        var made = new List<(Pending Pending, Enrolment Enrolment, int? Position)>();
        foreach (var pending in batch)
        {
            // A learner twice in one batch (a double click): the first request is the one that counts.
            var r = pending.Request;
            if (r.CourseId != run.CourseId) continue;
            if (!enrolledAlready.Add(r.LearnerId)) continue;
            var placeTaken = placesLeft > 0;
            if (placeTaken) placesLeft--;
            var enrolment = Enrolment.Request(r.CourseId, runId, r.LearnerId, r.SchoolId, r.Recipient, placeTaken, sequence.Dequeue(), now);
            db.Enrolments.Add(enrolment);
            if (placeTaken) db.AddIntegrationEvent(new LearnerEnrolled(Guid.CreateVersion7(now), now, enrolment.Id, r.CourseId, runId, r.SchoolId, false));
            made.Add((pending, enrolment, placeTaken ? null : ++waitingBefore));
        }

        var granted = made.Count(m => m.Enrolment.HoldsPlace);
        if (granted > 0) await db.Runs.Where(x => x.Id == runId).ExecuteUpdateAsync(x => x.SetProperty(v => v.Taken, v => v.Taken + granted), CancellationToken.None);
        foreach (var school in made.GroupBy(m => m.Enrolment.SchoolId))
        {
            var places = school.Count(m => m.Enrolment.HoldsPlace);
            await LearningFigures.CountAsync(db, runId, school.Key, new FigureChange(Enrolled: places, Waiting: school.Count() - places), CancellationToken.None);
        }

        if (await db.SaveOrDuplicateAsync(CancellationToken.None) is not null) return false;
        await transaction.CommitAsync(CancellationToken.None);
        foreach (var (pending, enrolment, position) in made) pending.Outcome.TrySetResult(new(enrolment, position, course, null));
        // The rest named another course's run, or are a learner's second request: refused, nothing written for them.
        foreach (var pending in batch) pending.Outcome.TrySetResult(pending.Request.CourseId != run.CourseId ? EnrolmentOutcome.NoSuchRun : new(null, null, course, AlreadyEnrolled));
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Enrolments: a batch of {Count} for run {RunId} failed; each request gets the failure")]
    private partial void Failed(Guid runId, int count, Exception exception);
}
