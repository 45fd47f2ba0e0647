using System.Text;
using MenSI.Courses.Catalogue;
using MenSI.ServiceDefaults;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Security;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Courses.Analytics;

public sealed record AnalyticsQuery(Guid? RunId, string? Country, string? Format);

/// <summary>Course analytics for course authors (every country) and ministry officers (their own country's learners).</summary>
public static class AnalyticsEndpoints
{
    public static void MapAnalyticsEndpoints(this IEndpointRouteBuilder app)
    {
        var analytics = app.MapGroup(CourseEndpoints.Route + "/{id:guid}/analytics").WithTags("Analytics").RequireAuthorization(Policies.Member);
        analytics.MapGet("/", (Guid id, [AsParameters] AnalyticsQuery query, Caller caller, ResourceAccess access, CoursesDbContext db, CourseAnalytics analytics,
            CancellationToken ct) => ReportAsync(id, query, false, caller, access, db, analytics, ct))
            .WithName("GetCourseAnalytics")
            .Describe(new()
            {
                ["runId"] = "Only this run of the course (default: every run).",
                ["format"] = "json (the default) or csv.",
            }).Produces<AnalyticsResponse>().Produces(StatusCodes.Status200OK, contentType: "text/csv");
        analytics.MapGet("/countries", (Guid id, [AsParameters] AnalyticsQuery query, Caller caller, ResourceAccess access, CoursesDbContext db,
            CourseAnalytics analytics, CancellationToken ct) => ReportAsync(id, query, true, caller, access, db, analytics, ct))
            .WithName("GetCourseAnalyticsByCountry")
            .Describe(new()
            {
                ["runId"] = "Only this run of the course (default: every run).",
                ["format"] = "json (the default) or csv.",
            }).Produces<AnalyticsResponse>().Produces(StatusCodes.Status200OK, contentType: "text/csv");
    }

    private static async Task<IResult> ReportAsync(Guid id, AnalyticsQuery query, bool byCountry, Caller caller, ResourceAccess access,
        CoursesDbContext db, CourseAnalytics analytics, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var country = query.Country?.Trim().ToUpperInvariant();
        if (country is { Length: > 0 } && !Countries.IsEuropean(country)) errors["country"] = [Countries.Invalid];
        if (query.Format is not (null or "json" or "csv")) errors["format"] = ["Must be json or csv."];
        if (errors.Count > 0) return Problems.Validation(errors);

        // A ministry officer reads its own country's learners only; asking for another country is refused, not emptied.
        var isOfficer = caller.Roles.Contains(Roles.MinistryOfficer) && !caller.IsCourseAuthor;
        if (access.Check(caller, caller.IsCourseAuthor || (isOfficer && (country is not { Length: > 0 } || caller.MayManageCountry(country))),
                "read the analytics of", $"course {id}") is { } denied) return denied;
        var only = isOfficer ? caller.Country!.ToUpperInvariant() : country is { Length: > 0 } ? country : null;

        var course = await db.Courses.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (course is null) return Problems.NotFound("Course", id);
        if (query.RunId is { } run && !await db.Runs.AnyAsync(r => r.Id == run && r.CourseId == id, ct)) return Problems.NotFound("Run", run);
        var report = await analytics.ComputeAsync(course, query.RunId, only, byCountry, ct);
        return query.Format == "csv" ? TypedResults.Text(CourseAnalytics.ToCsv(report), "text/csv; charset=utf-8", Encoding.UTF8) : TypedResults.Ok(report);
    }
}
