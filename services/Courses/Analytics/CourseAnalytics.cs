using System.Globalization;
using System.Text;
using MenSI.Courses.Catalogue;
using MenSI.Courses.Learning;
using MenSI.ServiceDefaults.Text;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Courses.Analytics;

public sealed record ModuleFunnel(int Position, Guid ModuleId, string Title, int Started, int Finished);

/// <param name="Country">The learners' schools' country; null for all learners, <c>unknown</c> for learners whose school the Registry has not announced (or who named none).</param>
/// <param name="Enrolments">Learners who took a place (at enrolment or from the waiting list), withdrawn ones included.</param>
/// <param name="ActiveLearners">In progress: started, neither completed nor withdrawn.</param>
/// <param name="CompletionRate">Completions ÷ enrolments, 3 decimals.</param>
public sealed record AnalyticsRow(
    string? Country, int Enrolments, int Waiting, int Withdrawn, int ActiveLearners, int Completions, decimal CompletionRate, IReadOnlyList<ModuleFunnel> Modules);

public sealed record AnalyticsResponse(Guid CourseId, Guid? RunId, DateTimeOffset GeneratedAt, IReadOnlyList<AnalyticsRow> Rows);

/// <summary>
/// Enrolments, learners waiting and in progress, completions and the drop-off funnel of a course (or one run), in
/// total or per country. Reads only the per-country counters (<see cref="LearningFigures"/>): a course with 20 runs
/// answers from a few hundred rows however many learners it has. Erasure changes none of these figures.
/// </summary>
public sealed class CourseAnalytics(CoursesDbContext db, TimeProvider clock)
{
    public async Task<AnalyticsResponse> ComputeAsync(Course course, Guid? runId, string? onlyCountry, bool byCountry, CancellationToken ct)
    {
        var runIds = await db.Runs.AsNoTracking().Where(r => r.CourseId == course.Id && (runId == null || r.Id == runId)).Select(r => r.Id).ToListAsync(ct);
        var counted = db.RunCountsByCountry.AsNoTracking().Where(c => runIds.Contains(c.RunId) && (onlyCountry == null || c.Country == onlyCountry));
        var figures = await counted.GroupBy(c => byCountry ? c.Country : "")
            .Select(g => new
            {
                Group = g.Key, Enrolled = g.Sum(c => c.Enrolled), Waiting = g.Sum(c => c.Waiting), Active = g.Sum(c => c.Active),
                Withdrawn = g.Sum(c => c.Withdrawn), Completed = g.Sum(c => c.Completed),
            }).ToDictionaryAsync(f => f.Group, ct);
        var funnel = await db.ModuleCountsByCountry.AsNoTracking().Where(c => runIds.Contains(c.RunId) && (onlyCountry == null || c.Country == onlyCountry))
            .GroupBy(c => new { Group = byCountry ? c.Country : "", c.ModuleId })
            .Select(g => new { g.Key.Group, g.Key.ModuleId, Started = g.Sum(c => c.Started), Finished = g.Sum(c => c.Finished) })
            .ToDictionaryAsync(f => (f.Group, f.ModuleId), ct);

        // A country whose learners all moved on (their school's country was announced late) leaves zeros behind: not a row.
        var groups = figures.Where(f => f.Value is not { Enrolled: 0, Waiting: 0, Active: 0, Withdrawn: 0, Completed: 0 }).Select(f => f.Key)
            .Union(funnel.Where(f => f.Value is not { Started: 0, Finished: 0 }).Select(f => f.Key.Group)).Order(StringComparer.Ordinal).ToList();
        if (groups.Count == 0 && !byCountry) groups.Add("");
        var rows = groups.Select(group =>
        {
            var modules = course.Outline.Modules.Select((m, i) => funnel.TryGetValue((group, m.Id), out var step)
                ? new ModuleFunnel(i + 1, m.Id, m.Title, step.Started, step.Finished)
                : new ModuleFunnel(i + 1, m.Id, m.Title, 0, 0)).ToList();
            return figures.TryGetValue(group, out var f)
                ? new AnalyticsRow(byCountry ? group : onlyCountry, f.Enrolled, f.Waiting, f.Withdrawn, f.Active, f.Completed, Rate(f.Completed, f.Enrolled), modules)
                : new AnalyticsRow(byCountry ? group : onlyCountry, 0, 0, 0, 0, 0, 0, modules);
        }).ToList();
        return new AnalyticsResponse(course.Id, runId, clock.GetUtcNow(), rows);
    }

    private static decimal Rate(int completed, int enrolled) => enrolled == 0 ? 0 : decimal.Round((decimal)completed / enrolled, 3);

    /// <summary>One line per module and group: the group's figures repeated, then the module's funnel step.</summary>
    public static string ToCsv(AnalyticsResponse report)
    {
        var csv = new StringBuilder("country,enrolments,waiting,withdrawn,activeLearners,completions,completionRate,modulePosition,moduleId,moduleTitle,started,finished\n");
        foreach (var row in report.Rows)
        {
            foreach (var m in row.Modules)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{row.Country ?? "all"},{row.Enrolments},{row.Waiting},{row.Withdrawn},{row.ActiveLearners},{row.Completions},{row.CompletionRate},");
                csv.Append(CultureInfo.InvariantCulture, $"{m.Position},{m.ModuleId},{Csv.Text(m.Title)},{m.Started},{m.Finished}\n");
            }
        }

        return csv.ToString();
    }
}
