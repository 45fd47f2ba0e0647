using System.Globalization;
using System.Text;
using MenSI.Courses.Catalogue;
using MenSI.Courses.Learning;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Courses.Analytics;

public sealed record ModuleFunnel(int Position, Guid ModuleId, string Title, int Started, int Finished);

/// <param name="Country">The learners' schools' country; null for all learners, <c>unknown</c> for learners whose school the Registry has not announced (or who named none).</param>
/// <param name="Enrolments">Learners who took a place (at enrolment or from the waiting list), withdrawn ones included.</param>
/// <param name="ActiveLearners">Holding a place, not completed, and active in the last 30 days.</param>
/// <param name="CompletionRate">Completions ÷ enrolments, 3 decimals.</param>
public sealed record AnalyticsRow(
    string? Country, int Enrolments, int Waiting, int Withdrawn, int ActiveLearners, int Completions, decimal CompletionRate, IReadOnlyList<ModuleFunnel> Modules);

public sealed record AnalyticsResponse(Guid CourseId, Guid? RunId, DateTimeOffset GeneratedAt, IReadOnlyList<AnalyticsRow> Rows);

/// <summary>
/// Enrolments, activity, completions and the drop-off funnel of a course (or one run), in total or per country. Reads
/// the enrolments (one indexed scan per course) and the funnel's counters (a few rows per module), never the progress
/// rows, so 100,000 enrolments answer in milliseconds. Erasure changes none of these figures.
/// </summary>
public sealed class CourseAnalytics(CoursesDbContext db, TimeProvider clock)
{
    public const string UnknownCountry = "unknown";
    public static readonly TimeSpan ActiveWindow = TimeSpan.FromDays(30);

    public async Task<AnalyticsResponse> ComputeAsync(Course course, Guid? runId, string? onlyCountry, bool byCountry, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var activeSince = now - ActiveWindow;
        var enrolments = from e in db.Enrolments.AsNoTracking()
                         where e.CourseId == course.Id && (runId == null || e.RunId == runId)
                         join s in db.SchoolCountries on e.SchoolId equals s.SchoolId into schools
                         from s in schools.DefaultIfEmpty()
                         select new { e.Status, e.EnrolledAt, e.LastActivityAt, Country = s == null ? UnknownCountry : s.Country };
        if (onlyCountry is not null) enrolments = enrolments.Where(e => e.Country == onlyCountry);
        var figures = await enrolments
            .GroupBy(e => byCountry ? e.Country : "")
            .Select(g => new
            {
                Country = g.Key,
                Enrolments = g.Count(e => e.EnrolledAt != null),
                Waiting = g.Count(e => e.Status == EnrolmentStatus.Waiting),
                Withdrawn = g.Count(e => e.Status == EnrolmentStatus.Withdrawn && e.EnrolledAt != null),
                Active = g.Count(e => e.Status == EnrolmentStatus.Enrolled && e.LastActivityAt >= activeSince),
                Completions = g.Count(e => e.Status == EnrolmentStatus.Completed),
            }).ToListAsync(ct);

        var runIds = db.Runs.Where(r => r.CourseId == course.Id && (runId == null || r.Id == runId)).Select(r => r.Id);
        var counts = from c in db.ModuleCounts.AsNoTracking()
                     where runIds.Contains(c.RunId)
                     join s in db.SchoolCountries on c.SchoolKey equals s.SchoolId into schools
                     from s in schools.DefaultIfEmpty()
                     select new { c.ModuleId, c.Started, c.Finished, Country = s == null ? UnknownCountry : s.Country };
        if (onlyCountry is not null) counts = counts.Where(c => c.Country == onlyCountry);
        var funnel = await counts.GroupBy(c => new { Country = byCountry ? c.Country : "", c.ModuleId })
            .Select(g => new { g.Key.Country, g.Key.ModuleId, Started = g.Sum(c => c.Started), Finished = g.Sum(c => c.Finished) }).ToListAsync(ct);

        var groups = figures.Select(f => f.Country).Union(funnel.Select(f => f.Country)).Order(StringComparer.Ordinal).ToList();
        if (groups.Count == 0) groups.Add("");
        var rows = groups.Select(group =>
        {
            var f = figures.FirstOrDefault(x => x.Country == group);
            var modules = course.Outline.Modules.Select((m, i) =>
            {
                var counted = funnel.FirstOrDefault(x => x.Country == group && x.ModuleId == m.Id);
                return new ModuleFunnel(i + 1, m.Id, m.Title, counted?.Started ?? 0, counted?.Finished ?? 0);
            }).ToList();
            var enrolled = f?.Enrolments ?? 0;
            var completions = f?.Completions ?? 0;
            return new AnalyticsRow(byCountry ? group : onlyCountry, enrolled, f?.Waiting ?? 0, f?.Withdrawn ?? 0, f?.Active ?? 0, completions,
                enrolled == 0 ? 0 : decimal.Round((decimal)completions / enrolled, 3), modules);
        }).ToList();
        return new AnalyticsResponse(course.Id, runId, now, rows);
    }

    /// <summary>One line per module and group: the group's figures repeated, then the module's funnel step.</summary>
    public static string ToCsv(AnalyticsResponse report)
    {
        var csv = new StringBuilder("country,enrolments,waiting,withdrawn,activeLearners,completions,completionRate,modulePosition,moduleId,moduleTitle,started,finished\n");
        foreach (var row in report.Rows)
        {
            foreach (var m in row.Modules)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{row.Country ?? "all"},{row.Enrolments},{row.Waiting},{row.Withdrawn},{row.ActiveLearners},{row.Completions},{row.CompletionRate},");
                csv.Append(CultureInfo.InvariantCulture, $"{m.Position},{m.ModuleId},{Quote(m.Title)},{m.Started},{m.Finished}\n");
            }
        }

        return csv.ToString();
    }

    // A leading =, +, - or @ would make a spreadsheet run the title as a formula.
    private static string Quote(string value) => "\"" + (value.Length > 0 && "=+-@".Contains(value[0]) ? "'" + value : value).Replace("\"", "\"\"") + "\"";
}
