using MenSI.Contracts;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Messaging;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Courses.Catalogue;

public sealed record CourseSummary(
    Guid Id, string Title, string Summary, string Language, Audience Audience, decimal EstimatedHours, string Licence, CourseStatus Status,
    int ModuleCount, DateTimeOffset? PublishedAt)
{
    public static CourseSummary Of(Course c) => new(c.Id, c.Title, c.Summary, c.Language, c.Audience, c.EstimatedHours, c.Licence, c.Status,
        c.Outline.Modules.Count, c.PublishedAt);
}

/// <summary>
/// The catalogue: published (and archived) courses and their outlines are public; drafts, and the quizzes' answer keys,
/// only reach course authors (course managers and network admins).
/// </summary>
public static class CourseEndpoints
{
    public const string Route = "/api/v1/courses";

    public static void MapCourseEndpoints(this IEndpointRouteBuilder app)
    {
        var courses = app.MapGroup(Route).WithTags("Courses");
        courses.MapGet("/", ListCourses).WithName("ListCourses")
            .Describe(new()
            {
                ["status"] = $"Only courses in this state: {WireEnum.Values<CourseStatus>()} (default published; drafts and archived ones for course authors).",
                ["language"] = "Only courses taught in this language (ISO 639-1, e.g. en).",
                ["audience"] = $"Only courses for this audience: {WireEnum.Values<Audience>()}.",
            }).AllowAnonymous();
        courses.MapGet("/{id:guid}", GetCourse).WithName("GetCourse").AllowAnonymous();
        courses.MapGet("/{id:guid}/authoring", GetCourseForAuthors).WithName("GetCourseForAuthors").RequireAuthorization(Policies.CourseAuthors);
        courses.MapPost("/", CreateCourse).WithName("CreateCourse").WithIdempotency().RequireAuthorization(Policies.CourseAuthors);
        courses.MapPut("/{id:guid}", DescribeCourse).WithName("DescribeCourse").RequireAuthorization(Policies.CourseAuthors);
        courses.MapPut("/{id:guid}/outline", ReplaceOutline).WithName("ReplaceCourseOutline").RequireAuthorization(Policies.CourseAuthors);
        courses.MapPost("/{id:guid}/publish", Publish).WithName("PublishCourse").RequireAuthorization(Policies.CourseAuthors);
        courses.MapPost("/{id:guid}/archive", Archive).WithName("ArchiveCourse").RequireAuthorization(Policies.CourseAuthors);
    }

    internal static async Task<Results<Ok<Page<CourseSummary>>, ValidationProblem>> ListCourses(
        [AsParameters] CourseListQuery query, Caller caller, CoursesDbContext db, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var paging = new PageQuery(query.Page, query.PageSize);
        paging.Validate(errors);
        var status = WireEnum.ParseFilter<CourseStatus>(query.Status, "status", errors) ?? CourseStatus.Published;
        var audience = WireEnum.ParseFilter<Audience>(query.Audience, "audience", errors);
        var language = query.Language is null ? null : CourseRules.CheckLanguage(query.Language, "language", errors);
        if (status == CourseStatus.Draft && !caller.IsCourseAuthor) errors["status"] = ["Drafts are listed to course authors only."];
        if (errors.Count > 0) return Problems.Validation(errors);

        var courses = db.Courses.AsNoTracking().Where(c => c.Status == status);
        if (language is not null) courses = courses.Where(c => c.Language == language);
        if (audience is { } a) courses = courses.Where(c => c.Audience == a);
        return TypedResults.Ok(await courses.ToPageAsync(q => q.OrderBy(c => c.Title).ThenBy(c => c.Id), paging, CourseSummary.Of, cancellationToken));
    }

    internal static async Task<Results<Ok<PublicCourseResponse>, ProblemHttpResult>> GetCourse(
        Guid id, Caller caller, CoursesDbContext db, HttpResponse response, CancellationToken cancellationToken)
    {
        var course = await db.Courses.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        // A draft does not exist for anyone but its authors: the same 404 as an unknown id.
        if (course is null || (course.Status == CourseStatus.Draft && !caller.IsCourseAuthor)) return Problems.NotFound("Course", id);
        ETags.Set(response, course.Version);
        return TypedResults.Ok(PublicCourseResponse.Of(course));
    }

    internal static async Task<Results<Ok<CourseResponse>, ProblemHttpResult>> GetCourseForAuthors(
        Guid id, CoursesDbContext db, HttpResponse response, CancellationToken cancellationToken)
    {
        var course = await db.Courses.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (course is null) return Problems.NotFound("Course", id);
        ETags.Set(response, course.Version);
        return TypedResults.Ok(CourseResponse.Of(course));
    }

    internal static async Task<Results<Created<CourseResponse>, ValidationProblem>> CreateCourse(
        CourseRequest request, Caller caller, ResourceAccess access, CoursesDbContext db, TimeProvider clock, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.ToDetails(errors) is not { } details) return Problems.Validation(errors);
        var course = Course.Create(details, clock.GetUtcNow());
        db.Courses.Add(course);
        await db.SaveChangesAsync(cancellationToken);
        access.Check(caller, true, "create", $"course {course.Id}");
        ETags.Set(response, course.Version);
        return TypedResults.Created($"{Route}/{course.Id}", CourseResponse.Of(course));
    }

    internal static Task<Results<Ok<CourseResponse>, ValidationProblem, ProblemHttpResult>> DescribeCourse(
        Guid id, CourseRequest request, CourseChange change, CancellationToken cancellationToken) =>
        change.ApplyAsync(id, "describe", course =>
        {
            var errors = new Dictionary<string, string[]>();
            if (request.ToDetails(errors) is not { } details) return Problems.Validation(errors);
            change.Announce(course.Describe(details, change.Now));
            return null;
        }, cancellationToken);

    internal static Task<Results<Ok<CourseResponse>, ValidationProblem, ProblemHttpResult>> ReplaceOutline(
        Guid id, OutlineRequest request, CourseChange change, CancellationToken cancellationToken) =>
        change.ApplyAsync(id, "change the outline of", course =>
        {
            var errors = new Dictionary<string, string[]>();
            if (request.ToOutline(course.Outline, errors) is not { } outline) return Problems.Validation(errors);
            if (CourseRules.WhyNotReplaceOutline(course, outline) is { } broken) return Problems.Broken(broken);
            change.Announce(course.ReplaceOutline(outline, change.Now));
            return null;
        }, cancellationToken);

    internal static Task<Results<Ok<CourseResponse>, ValidationProblem, ProblemHttpResult>> Publish(
        Guid id, CourseChange change, CancellationToken cancellationToken) =>
        change.ApplyAsync(id, "publish", course =>
        {
            if (CourseRules.WhyNotPublish(course) is { } broken) return Problems.Broken(broken);
            change.Announce(course.Publish(change.Now));
            return null;
        }, cancellationToken);

    internal static Task<Results<Ok<CourseResponse>, ValidationProblem, ProblemHttpResult>> Archive(
        Guid id, CourseChange change, CancellationToken cancellationToken) =>
        change.ApplyAsync(id, "archive", course =>
        {
            if (CourseRules.WhyNotArchive(course) is { } broken) return Problems.Broken(broken);
            change.Announce(course.Archive(change.Now));
            return null;
        }, cancellationToken);

    /// <summary>The steps every change of a course shares: 404, 428/412, the change's own checks, then the save.</summary>
    public sealed class CourseChange(CoursesDbContext db, ResourceAccess access, TimeProvider clock, IHttpContextAccessor http)
    {
        public DateTimeOffset Now { get; } = clock.GetUtcNow();

        /// <summary>Publishes the change's event with the change (the outbox, in the same transaction); null: nothing to announce.</summary>
        public void Announce(IIntegrationEvent? announcement)
        {
            if (announcement is not null) db.AddIntegrationEvent(announcement);
        }

        public async Task<Results<Ok<CourseResponse>, ValidationProblem, ProblemHttpResult>> ApplyAsync(
            Guid id, string action, Func<Course, IResult?> change, CancellationToken cancellationToken)
        {
            var context = http.HttpContext!;
            var course = await db.Courses.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
            if (course is null) return Problems.NotFound("Course", id);
            if (ETags.CheckIfMatch(context.Request, course.Version) is { } precondition) return precondition;
            switch (change(course))
            {
                case ValidationProblem invalid: return invalid;
                case ProblemHttpResult refused: return refused;
            }

            await db.SaveChangesAsync(cancellationToken);
            access.Check(Caller.From(context.User), true, action, $"course {id}");
            ETags.Set(context.Response, course.Version);
            return TypedResults.Ok(CourseResponse.Of(course));
        }
    }
}
