using MenSI.Contracts.Courses;
using MenSI.Courses.Analytics;
using MenSI.ServiceDefaults.Data;
using MenSI.ServiceDefaults.Messaging;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Courses.Learning;

/// <summary>A learner asking for a place: who, from which school, and the badge recipient's hash.</summary>
public sealed record EnrolmentRequest(Guid CourseId, Guid RunId, Guid LearnerId, Guid? SchoolId, (string Hash, string Salt) Recipient);

/// <summary>
/// Takes enrolments a run at a time, in batches: the requests that arrive while a batch is being written wait and go
/// together in the next one, in arrival order. One transaction per batch locks the run's row, grants the places left
/// to the first requests and puts the rest on the waiting list, so 2,000 learners asking at once cost a few
/// transactions, not 2,000 turns at the run's lock (each holding a database connection while it waits). Across
/// replicas the row lock still orders the batches, so the capacity holds however many processes take enrolments.
/// </summary>
public sealed partial class EnrolmentDesk(IServiceScopeFactory scopes, TimeProvider clock, ILogger<EnrolmentDesk> logger)
{
    public const int MaxBatch = 250;

    private sealed class Pending(EnrolmentRequest request)
    {
        public EnrolmentRequest Request { get; } = request;
        public TaskCompletionSource<Enrolment?> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class RunQueue
    {
        public List<Pending> Items { get; } = [];
        public bool Draining { get; set; }
    }

    private readonly Dictionary<Guid, RunQueue> _runs = [];
    private readonly Lock _gate = new();

    /// <summary>The enrolment made (enrolled or waiting), or null when the learner already has one in this run.</summary>
    public Task<Enrolment?> EnrolAsync(EnrolmentRequest request, CancellationToken cancellationToken)
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
            if (!await TryWriteAsync(runId, [one])) one.Outcome.TrySetResult(null);
        }
        catch (Exception e)
        {
            one.Outcome.TrySetException(e);
        }
    }

    /// <summary>Writes the batch in one transaction; false (nothing written) when a learner's enrolment appeared meanwhile.</summary>
    private async Task<bool> TryWriteAsync(Guid runId, List<Pending> batch)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CoursesDbContext>();
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        var run = (await db.Runs.FromSql($"SELECT * FROM course_runs WHERE id = {runId} FOR UPDATE").ToListAsync(CancellationToken.None)).Single();
        var learners = batch.Select(p => p.Request.LearnerId).ToList();
        var enrolledAlready = (await db.Enrolments.Where(e => e.RunId == runId && e.LearnerId != null && learners.Contains(e.LearnerId.Value) && e.Status != EnrolmentStatus.Withdrawn)
            .Select(e => e.LearnerId!.Value).ToListAsync(CancellationToken.None)).ToHashSet();

        var placesLeft = run.Capacity - run.Taken;
        var made = new List<(Pending Pending, Enrolment Enrolment)>();
        foreach (var pending in batch)
        {
            // A learner twice in one batch (a double click): the first request is the one that counts.
            if (!enrolledAlready.Add(pending.Request.LearnerId)) continue;
            var r = pending.Request;
            var placeTaken = placesLeft > 0;
            if (placeTaken) placesLeft--;
            var enrolment = Enrolment.Request(r.CourseId, runId, r.LearnerId, r.SchoolId, r.Recipient, placeTaken, now);
            db.Enrolments.Add(enrolment);
            if (placeTaken) db.AddIntegrationEvent(new LearnerEnrolled(Guid.CreateVersion7(now), now, enrolment.Id, r.CourseId, runId, r.SchoolId, false));
            made.Add((pending, enrolment));
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
        foreach (var (pending, enrolment) in made) pending.Outcome.TrySetResult(enrolment);
        foreach (var pending in batch) pending.Outcome.TrySetResult(null);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Enrolments: a batch of {Count} for run {RunId} failed; each request gets the failure")]
    private partial void Failed(Guid runId, int count, Exception exception);
}
