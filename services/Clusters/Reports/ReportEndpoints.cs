using System.Globalization;
using System.Text;
using MenSI.Clusters.Clusters;
using MenSI.ServiceDefaults;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MenSI.Clusters.Reports;

public sealed record ReportQuery(string? GroupBy, string? Country, string? Approach, string? Status, string? Format);

public sealed record ReportResponse(ReportGrouping GroupBy, DateTimeOffset GeneratedAt, IReadOnlyList<ReportRow> Rows, ReportRow Total);

/// <summary>
/// Effectiveness and cost per cluster, approach or country, as JSON or CSV. Aggregates by approach or country are
/// network-wide for every ministry; per-cluster rows show a ministry officer its own country's clusters only.
/// </summary>
public static class ReportEndpoints
{
    public static void MapReportEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(ClusterEndpoints.Route + "/reports/effectiveness", Effectiveness).WithTags("Reports").WithName("GetEffectivenessReport")
            .Describe(new()
            {
                ["groupBy"] = $"One row per {WireEnum.Values<ReportGrouping>()} (default approach; per cluster for network admins only).",
                ["approach"] = "Only clusters working this way: top-down, bottom-up, virtual or hybrid.",
                ["status"] = "Only clusters in this state: forming, active, completed or dissolved.",
                ["format"] = "json (the default) or csv, a spreadsheet of the same rows.",
            })
            .RequireAuthorization(Policies.Ministry)
            .Produces<ReportResponse>().Produces(StatusCodes.Status200OK, contentType: "text/csv");
    }

    internal static async Task<IResult> Effectiveness(
        [AsParameters] ReportQuery query, Caller caller, ResourceAccess access, ClustersDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var groupBy = WireEnum.ParseFilter<ReportGrouping>(query.GroupBy, "groupBy", errors) ?? ReportGrouping.Approach;
        var approach = WireEnum.ParseFilter<Approach>(query.Approach, "approach", errors);
        var status = WireEnum.ParseFilter<ClusterStatus>(query.Status, "status", errors);
        var country = query.Country?.Trim().ToUpperInvariant();
        if (country is { Length: > 0 } && !Countries.IsEuropean(country)) errors["country"] = [Countries.Invalid];
        if (query.Format is not (null or "json" or "csv")) errors["format"] = ["Must be json or csv."];
        if (errors.Count > 0) return Problems.Validation(errors);

        if (groupBy == ReportGrouping.Cluster && !caller.IsNetworkAdmin)
        {
            // A ministry officer's per-cluster view is its own country's, asked for or not.
            country = string.IsNullOrEmpty(country) ? caller.Country : country;
            if (access.Check(caller, caller.MayManageCountry(country ?? ""), "read the per-cluster report of", country ?? "every country") is { } denied) return denied;
        }

        var sums = await EffectivenessReport.SumAsync(db, new ReportFilter(groupBy, string.IsNullOrEmpty(country) ? null : country, approach, status), cancellationToken);
        var report = new ReportResponse(groupBy, clock.GetUtcNow(), [.. sums.Select(ReportRow.Of)], ReportRow.Total(sums));
        return query.Format == "csv"
            ? TypedResults.Text(ToCsv(report), "text/csv; charset=utf-8", Encoding.UTF8)
            : TypedResults.Ok(report);
    }

    private static readonly string[] Columns =
    [
        "key", "label", "clusters", "activities", "participantHours", "staffHours", "costEuro", "costPerParticipantHour",
        "menteeSchools", "costPerMenteeSchool", "menteesAssessed", "maturityChange", "averageMaturityChange", "effectPer1000Euro",
    ];

    /// <summary>RFC 4180: a header, one line per row and the total last; numbers in invariant culture without trailing zeros, empty where a ratio has no denominator.</summary>
    public static string ToCsv(ReportResponse report)
    {
        var csv = new StringBuilder().AppendJoin(',', Columns).Append("\r\n");
        foreach (var row in report.Rows.Append(report.Total))
        {
            object?[] values = [row.Key, row.Label, row.Clusters, row.Activities, row.ParticipantHours, row.StaffHours, row.CostEuro,
                row.CostPerParticipantHour, row.MenteeSchools, row.CostPerMenteeSchool, row.MenteesAssessed, row.MaturityChange,
                row.AverageMaturityChange, row.EffectPer1000Euro];
            csv.AppendJoin(',', values.Select(Field)).Append("\r\n");
        }

        return csv.ToString();
    }

    private static string Field(object? value)
    {
        var text = value switch
        {
            null => "",
            decimal d => d.ToString("0.####", CultureInfo.InvariantCulture), // 44, 11.36, -0.5: no scale noise from the arithmetic
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        return text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : text;
    }
}
