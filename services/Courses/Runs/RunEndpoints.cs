using System.Text.Json.Serialization;
using MenSI.Courses.Catalogue;
using MenSI.Courses.Learning;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Messaging;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Courses.Runs;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RunRequest(string? Language, DateOnly? StartsOn, DateOnly? EndsOn, DateOnly? EnrolmentOpensOn, DateOnly? EnrolmentClosesOn, int? Capacity)
{
    public RunPlan? ToPlan(IDictionary<string, string[]> errors)
    {
        var language = CourseRules.CheckLanguage(Language, "language", errors);
        if (StartsOn is null) errors["startsOn"] = ["Required."];
        if (EndsOn is null) errors["endsOn"] = ["Required."];
        else if (StartsOn is { } s && EndsOn < s) errors["endsOn"] = ["Must not be before startsOn."];
        if (EnrolmentOpensOn is null) errors["enrolmentOpensOn"] = ["Required."];
        if (EnrolmentClosesOn is null) errors["enrolmentClosesOn"] = ["Required."];
        else if (EnrolmentOpensOn is { } o && EnrolmentClosesOn < o) errors["enrolmentClosesOn"] = ["Must not be before enrolmentOpensOn."];
        else if (EndsOn is { } e && EnrolmentClosesOn > e) errors["enrolmentClosesOn"] = ["Must not be after endsOn."];
        if (Capacity is not (>= 1 and <= RunRules.MaxCapacity)) errors["capacity"] = [$"Required: 1 to {RunRules.MaxCapacity} places."];
        return errors.Count > 0 ? null : new RunPlan(language!, StartsOn!.Value, EndsOn!.Value, EnrolmentOpensOn!.Value, EnrolmentClosesOn!.Value, Capacity!.Value);
    }
}

public sealed record RunResponse(
    Guid Id, Guid CourseId, string Language, DateOnly StartsOn, DateOnly EndsOn, DateOnly EnrolmentOpensOn, DateOnly EnrolmentClosesOn,
    int Capacity, int PlacesLeft, int Waiting, RunStatus Status, DateTimeOffset? PublishedAt, int Version)
{
    public static RunResponse Of(CourseRun r, int waiting) => new(r.Id, r.CourseId, r.Language, r.StartsOn, r.EndsOn, r.EnrolmentOpensOn,
        r.EnrolmentClosesOn, r.Capacity, r.Capacity - r.Taken, waiting, r.Status, r.PublishedAt, r.Version);
}

/// <summary>Runs of a course: planned and published by course authors; published runs of a public course are public.</summary>
public static class RunEndpoints
{
    public static void MapRunEndpoints(this IEndpointRouteBuilder app)
    {
        var runs = app.MapGroup(CourseEndpoints.Route + "/{id:guid}/runs").WithTags("Runs");
        runs.MapGet("/", ListRuns).WithName("ListRuns").AllowAnonymous();
        runs.MapGet("/{runId:guid}", GetRun).WithName("GetRun").AllowAnonymous();
        runs.MapPost("/", PlanRun).WithName("PlanRun").WithIdempotency().RequireAuthorization(Policies.CourseAuthors);
        runs.MapPost("/{runId:guid}/publish", PublishRun).WithName("PublishRun").RequireAuthorization(Policies.CourseAuthors);
    }

    internal static async Task<Results<Ok<Page<RunResponse>>, ValidationProblem, ProblemHttpResult>> ListRuns(
        Guid id, int? page, int? pageSize, Caller caller, CoursesDbContext db, CancellationToken cancellationToken)
    {
        var paging = new PageQuery(page, pageSize);
        if (paging.Problem() is { } invalid) return invalid;
        if (await VisibleCourseAsync(db, id, caller, cancellationToken) is null) return Problems.NotFound("Course", id);
        var runs = db.Runs.AsNoTracking().Where(r => r.CourseId == id);
        if (!caller.IsCourseAuthor) runs = runs.Where(r => r.Status == RunStatus.Published);
        var listed = await runs.ToPageAsync(q => q.OrderBy(r => r.StartsOn).ThenBy(r => r.Id), paging, r => r, cancellationToken);
        var ids = listed.Items.Select(r => r.Id).ToList();
        var waiting = await db.Enrolments.Where(e => ids.Contains(e.RunId) && e.Status == EnrolmentStatus.Waiting)
            .GroupBy(e => e.RunId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        return TypedResults.Ok(new Page<RunResponse>([.. listed.Items.Select(r => RunResponse.Of(r, waiting.GetValueOrDefault(r.Id)))],
            listed.PageNumber, listed.PageSize, listed.TotalCount, listed.TotalCountCapped));
    }

    internal static async Task<Results<Ok<RunResponse>, ProblemHttpResult>> GetRun(
        Guid id, Guid runId, Caller caller, CoursesDbContext db, HttpResponse response, CancellationToken cancellationToken)
    {
        var run = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId && r.CourseId == id, cancellationToken);
        if (run is null || (run.Status == RunStatus.Draft && !caller.IsCourseAuthor) || await VisibleCourseAsync(db, id, caller, cancellationToken) is null)
            return Problems.NotFound("Run", runId);
        var waiting = await db.Enrolments.CountAsync(e => e.RunId == runId && e.Status == EnrolmentStatus.Waiting, cancellationToken);
        ETags.Set(response, run.Version);
        return TypedResults.Ok(RunResponse.Of(run, waiting));
    }

    internal static async Task<Results<Created<RunResponse>, ValidationProblem, ProblemHttpResult>> PlanRun(
        Guid id, RunRequest request, CoursesDbContext db, TimeProvider clock, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var plan = request.ToPlan(errors);
        if (!await db.Courses.AnyAsync(c => c.Id == id, cancellationToken)) return Problems.NotFound("Course", id);
        if (plan is null) return Problems.Validation(errors);
        var run = CourseRun.Plan(id, plan, clock.GetUtcNow());
        db.Runs.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        ETags.Set(response, run.Version);
        return TypedResults.Created($"{CourseEndpoints.Route}/{id}/runs/{run.Id}", RunResponse.Of(run, 0));
    }

    internal static async Task<Results<Ok<RunResponse>, ProblemHttpResult>> PublishRun(
        Guid id, Guid runId, CoursesDbContext db, TimeProvider clock, HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var run = await db.Runs.FirstOrDefaultAsync(r => r.Id == runId && r.CourseId == id, cancellationToken);
        if (run is null) return Problems.NotFound("Run", runId);
        if (ETags.CheckIfMatch(request, run.Version) is { } precondition) return precondition;
        var course = await db.Courses.AsNoTracking().FirstAsync(c => c.Id == id, cancellationToken);
        if (RunRules.WhyNotPublish(run, course) is { } broken) return Problems.Broken(broken);
        db.AddIntegrationEvent(run.Publish(course, clock.GetUtcNow()));
        await db.SaveChangesAsync(cancellationToken);
        ETags.Set(response, run.Version);
        return TypedResults.Ok(RunResponse.Of(run, 0));
    }

    /// <summary>The course, when the caller may see it: published and archived ones for everyone, drafts for authors.</summary>
    internal static Task<Course?> VisibleCourseAsync(CoursesDbContext db, Guid id, Caller caller, CancellationToken cancellationToken) =>
        db.Courses.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && (c.Status != CourseStatus.Draft || caller.IsCourseAuthor), cancellationToken);
}
