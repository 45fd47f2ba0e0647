using MenSI.Courses.Catalogue;
using MenSI.Courses.Learning;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Courses.Schools;

/// <param name="Enrolments">Places taken by the school's teachers (withdrawn ones included), as <c>learner-enrolled</c> counts them.</param>
/// <param name="Completions">Of those, completed (a credential was awarded).</param>
public sealed record SchoolCourseLearning(Guid CourseId, string Title, int Enrolments, int Completions);

public sealed record SchoolLearningResponse(Guid SchoolId, int Enrolments, int Completions, IReadOnlyList<SchoolCourseLearning> Courses);

/// <summary>A school's teachers' learning in figures (never who): what a school's overview shows.</summary>
public static class SchoolLearningEndpoints
{
    public static void MapSchoolLearningEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(CourseEndpoints.Route + "/schools/{schoolId:guid}/learning", GetLearning).WithTags("Schools").WithName("GetSchoolLearning")
            .WithSummary("A school's teachers' enrolments and completions, per course")
            .RequireAuthorization(Policies.Member);
    }

    internal static async Task<Ok<SchoolLearningResponse>> GetLearning(Guid schoolId, CoursesDbContext db, CancellationToken cancellationToken)
    {
        var perCourse = await db.Enrolments.AsNoTracking()
            .Where(e => e.SchoolId == schoolId && e.EnrolledAt != null)
            .GroupBy(e => e.CourseId)
            .Select(g => new { CourseId = g.Key, Enrolments = g.Count(), Completions = g.Count(e => e.Status == EnrolmentStatus.Completed) })
            .Join(db.Courses, g => g.CourseId, c => c.Id, (g, c) => new SchoolCourseLearning(g.CourseId, c.Title, g.Enrolments, g.Completions))
            .ToListAsync(cancellationToken);
        var courses = perCourse.OrderByDescending(c => c.Enrolments).ThenBy(c => c.Title, StringComparer.Ordinal).ToList();
        return TypedResults.Ok(new SchoolLearningResponse(schoolId, courses.Sum(c => c.Enrolments), courses.Sum(c => c.Completions), courses));
    }
}
