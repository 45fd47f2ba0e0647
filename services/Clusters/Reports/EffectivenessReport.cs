using MenSI.Clusters.Clusters;
using MenSI.ServiceDefaults.Http;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Clusters.Reports;

public enum ReportGrouping { Cluster, Approach, Country }

/// <summary>The sums one group of clusters adds up to, as SQL returns them.</summary>
public sealed record ReportSums(
    string Key, string Label, int Clusters, long Activities, decimal ParticipantHours, decimal StaffHours, decimal CostEuro,
    long MenteeSchools, long MenteesAssessed, decimal MaturityChange);

/// <summary>
/// One row of the effectiveness and cost report (docs/clusters.md defines each figure). Ratios are null where their
/// denominator is zero, never a division error or an invented zero.
/// </summary>
/// <param name="MaturityChange">Sum over mentee schools with two assessments or more of (latest - first) mean SELFIE score.</param>
/// <param name="AverageMaturityChange">Per assessed mentee school.</param>
/// <param name="EffectPer1000Euro">Maturity change summed over the mentees, per 1,000 euro spent.</param>
public sealed record ReportRow(
    string Key, string Label, int Clusters, long Activities, decimal ParticipantHours, decimal StaffHours, decimal CostEuro,
    decimal? CostPerParticipantHour, long MenteeSchools, decimal? CostPerMenteeSchool, long MenteesAssessed, decimal MaturityChange,
    decimal? AverageMaturityChange, decimal? EffectPer1000Euro)
{
    public static ReportRow Of(ReportSums s) => new(
        s.Key, s.Label, s.Clusters, s.Activities, s.ParticipantHours, s.StaffHours, s.CostEuro,
        Ratio(s.CostEuro, s.ParticipantHours), s.MenteeSchools, Ratio(s.CostEuro, s.MenteeSchools), s.MenteesAssessed, Math.Round(s.MaturityChange, 4, MidpointRounding.AwayFromZero),
        Ratio(s.MaturityChange, s.MenteesAssessed, 4), Ratio(s.MaturityChange * 1000, s.CostEuro, 4));

    public static ReportRow Total(IReadOnlyCollection<ReportSums> rows) => Of(new ReportSums("total", "All clusters in the report",
        rows.Sum(r => r.Clusters), rows.Sum(r => r.Activities), rows.Sum(r => r.ParticipantHours), rows.Sum(r => r.StaffHours),
        rows.Sum(r => r.CostEuro), rows.Sum(r => r.MenteeSchools), rows.Sum(r => r.MenteesAssessed), rows.Sum(r => r.MaturityChange)));

    private static decimal? Ratio(decimal numerator, decimal denominator, int decimals = 2) =>
        denominator == 0 ? null : Math.Round(numerator / denominator, decimals, MidpointRounding.AwayFromZero);
}

public sealed record ReportFilter(ReportGrouping GroupBy, string? Country, Approach? Approach, ClusterStatus? Status);

/// <summary>
/// Effectiveness and cost, straight from the stored data in one SQL statement: the clusters' activity totals (kept in
/// step with the activity log, see <see cref="Activities.ActivityEndpoints"/>) joined to their current mentees and those
/// schools' first and latest self-assessments from the Registry's events. It reads clusters and members, never the
/// activity log itself, so it stays in milliseconds with 500,000 activities.
/// </summary>
public static class EffectivenessReport
{
    private static readonly Dictionary<ReportGrouping, (string Key, string Label)> Groupings = new()
    {
        [ReportGrouping.Cluster] = ("c.id::text", "min(c.name)"),
        [ReportGrouping.Approach] = ("c.approach", "c.approach"),
        [ReportGrouping.Country] = ("c.country", "c.country"),
    };

    /// <remarks>Columns are named in snake_case: the context's naming convention maps them to <see cref="ReportSums"/>.</remarks>
    public static async Task<IReadOnlyList<ReportSums>> SumAsync(ClustersDbContext db, ReportFilter filter, CancellationToken cancellationToken)
    {
        var (key, label) = Groupings[filter.GroupBy];
        var sql = $$"""
            WITH mentees AS (
                SELECT m.cluster_id,
                       count(*) AS schools,
                       count(*) FILTER (WHERE s.latest_assessed_on > s.first_assessed_on) AS assessed,
                       coalesce(sum(s.latest_maturity - s.first_maturity) FILTER (WHERE s.latest_assessed_on > s.first_assessed_on), 0) AS change
                FROM cluster_members m
                LEFT JOIN school_snapshots s ON s.school_id = m.school_id
                WHERE m.role = 'Mentee' AND m.left_at IS NULL
                GROUP BY m.cluster_id)
            SELECT {{key}} AS key, {{label}} AS label, count(*)::int AS clusters,
                   coalesce(sum(c.activity_count), 0)::bigint AS activities,
                   coalesce(sum(c.participant_hours), 0) AS participant_hours,
                   coalesce(sum(c.staff_hours), 0) AS staff_hours,
                   coalesce(sum(c.cost_euro), 0) AS cost_euro,
                   coalesce(sum(me.schools), 0)::bigint AS mentee_schools,
                   coalesce(sum(me.assessed), 0)::bigint AS mentees_assessed,
                   coalesce(sum(me.change), 0) AS maturity_change
            FROM clusters c
            LEFT JOIN mentees me ON me.cluster_id = c.id
            WHERE (@country IS NULL OR c.country = @country)
              AND (@approach IS NULL OR c.approach = @approach)
              AND (@status IS NULL OR c.status = @status)
            GROUP BY {{key}}
            ORDER BY {{key}}
            """;
        var rows = await db.Database.SqlQueryRaw<ReportSums>(sql,
                Parameter("country", filter.Country), Parameter("approach", filter.Approach?.ToString()), Parameter("status", filter.Status?.ToString()))
            .ToListAsync(cancellationToken);
        // Enum values are stored by their C# names; the report speaks the API's names.
        return filter.GroupBy == ReportGrouping.Approach
            ? [.. rows.Select(r => r with { Key = WireName<Approach>(r.Key), Label = WireName<Approach>(r.Label) })]
            : rows;
    }

    private static Npgsql.NpgsqlParameter Parameter(string name, string? value) =>
        new(name, NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    private static string WireName<T>(string stored) where T : struct, Enum => WireEnum.Name(Enum.Parse<T>(stored));
}
