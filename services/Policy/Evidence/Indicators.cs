using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace MenSI.Policy.Evidence;

/// <summary>One figure of the indicators: its key (see <see cref="Indicators.Definitions"/>) and value, null where it does not apply.</summary>
public sealed record Figure(string Key, decimal? Value);

/// <summary>Where and when figures are for: a country (or the network) and an approach (or all), as of the end of a day (UTC).</summary>
public sealed record Scope(string? Country, string? Approach, DateOnly AsOf)
{
    /// <summary>Figures count what had occurred before this instant: the start of the day after <see cref="AsOf"/>.</summary>
    public DateTimeOffset Cutoff => new(AsOf.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}

/// <summary>
/// The evidence indicators, computed from the facts in one SQL statement for one scope. Every state is the fact with
/// the highest version that had occurred by the cutoff, and every flow counts the facts that had occurred by it, so
/// the answer for a past date is what the network's events said then, whatever order they arrived in.
/// </summary>
public static class Indicators
{
    public static readonly IReadOnlyList<string> Approaches = ["top-down", "bottom-up", "virtual", "hybrid"];
    public static readonly IReadOnlyList<string> SchoolStatuses = ["applicant", "active", "suspended", "withdrawn"];
    public static readonly IReadOnlyList<string> ClusterStates = ["forming", "active", "completed", "dissolved"];

    /// <summary>Every figure, in the order reports list them, with what it counts.</summary>
    public static readonly IReadOnlyList<(string Key, string Definition)> Definitions =
    [
        .. from role in new[] { "mentor", "mentee" } from status in SchoolStatuses
           select ($"schools.{role}.{status}", $"Schools whose network role in the Registry is {role}, with status {status}; with an approach, only those "
               + (role == "mentor" ? "mentoring a cluster of it" : "currently in a cluster of it") + "."),
        .. ClusterStates.Select(s => ($"clusters.{s}", $"Clusters whose latest state is {s} (the home country of a cluster is its mentor school's).")),
        ("clusters.total", "Clusters formed."),
        ("activities", "Mentoring activities logged in the clusters."),
        ("participantHours", "Staff taking part times duration, summed over the activities."),
        ("staffHours", "Staff hours the activities cost (preparation and delivery)."),
        ("costEuro", "Travel, substitution cover, materials and other costs of the activities, in euro."),
        ("menteeSchools", "Current mentees of the clusters, counted once per cluster (as the Clusters report counts them)."),
        ("costPerMenteeSchool", "costEuro / menteeSchools, 2 decimals; none without mentees."),
        ("menteesAssessed", "Current mentees with a first and a later latest SELFIE self-assessment."),
        ("maturityChange", "Sum over those mentees of latest minus first mean SELFIE score (1 to 5), 4 decimals."),
        ("averageMaturityChange", "maturityChange / menteesAssessed, 4 decimals; none without assessed mentees."),
        ("enrolments", "Places taken in course runs (learner-enrolled, withdrawals included), by the learner's school's country; not broken down by approach."),
        ("completions", "Courses completed with a credential (course-completed), by the learner's school's country; not broken down by approach."),
        ("threads", "Community threads started, in spaces of the country (network-wide spaces count for the network only); not broken down by approach."),
        ("posts", "Community posts published, opening posts included, counted like threads."),
        ("resources", "Community resources shared, counted like threads."),
    ];

    private const string Sql = """
        WITH cl AS (SELECT c.cluster_id, c.mentor_school_id FROM cluster_facts c
                    WHERE c.formed_at < @cutoff AND (@country IS NULL OR c.country = @country) AND (@approach IS NULL OR c.approach = @approach)),
        st AS (SELECT DISTINCT ON (f.cluster_id) f.cluster_id, f.state FROM cluster_state_facts f JOIN cl USING (cluster_id)
               WHERE f.occurred_at < @cutoff ORDER BY f.cluster_id, f.version DESC),
        mem AS (SELECT m.cluster_id, m.school_id
                FROM (SELECT DISTINCT ON (f.cluster_id, f.school_id) f.cluster_id, f.school_id, f.is_member FROM membership_facts f JOIN cl USING (cluster_id)
                      WHERE f.occurred_at < @cutoff ORDER BY f.cluster_id, f.school_id, f.version DESC) m
                WHERE m.is_member),
        act AS (SELECT count(*) AS n, coalesce(sum(a.participant_hours), 0) AS ph, coalesce(sum(a.staff_hours), 0) AS sh, coalesce(sum(a.cost_euro), 0) AS cost
                FROM activity_facts a JOIN cl USING (cluster_id) WHERE a.occurred_at < @cutoff),
        mat AS (SELECT count(*) FILTER (WHERE x.latest_on > x.first_on) AS assessed,
                       coalesce(sum(x.latest_m - x.first_m) FILTER (WHERE x.latest_on > x.first_on), 0) AS change, count(*) AS mentees
                FROM mem JOIN LATERAL (
                    SELECT min(a.assessed_on) AS first_on, max(a.assessed_on) AS latest_on,
                           (array_agg(a.maturity ORDER BY a.assessed_on, a.occurred_at))[1] AS first_m,
                           (array_agg(a.maturity ORDER BY a.assessed_on DESC, a.occurred_at DESC))[1] AS latest_m
                    FROM assessment_facts a WHERE a.school_id = mem.school_id AND a.occurred_at < @cutoff) x ON true),
        candidates AS (SELECT mentor_school_id AS school_id FROM cl WHERE @approach IS NOT NULL
                       UNION SELECT school_id FROM mem WHERE @approach IS NOT NULL
                       UNION SELECT school_id FROM school_facts WHERE @approach IS NULL AND (@country IS NULL OR country = @country)),
        sch AS (SELECT DISTINCT ON (f.school_id) f.school_id, f.country, f.role, f.status FROM school_facts f
                WHERE f.occurred_at < @cutoff AND f.school_id IN (SELECT school_id FROM candidates)
                ORDER BY f.school_id, f.version DESC),
        counted_country AS (SELECT s.school_id FROM sch s WHERE s.country = @country),
        counted AS (SELECT s.school_id, s.role, s.status FROM sch s
                    WHERE (@country IS NULL OR s.country = @country)
                      AND (@approach IS NULL OR s.school_id IN (SELECT mentor_school_id FROM cl UNION SELECT school_id FROM mem))),
        learned AS (SELECT l.kind, count(*) AS n FROM learning_facts l
                    WHERE @approach IS NULL AND l.occurred_at < @cutoff AND (@country IS NULL OR l.school_id IN (SELECT school_id FROM counted_country))
                    GROUP BY l.kind),
        talked AS (SELECT f.kind, count(*) AS n FROM community_facts f
                   WHERE @approach IS NULL AND f.occurred_at < @cutoff AND (@country IS NULL OR f.country = @country)
                   GROUP BY f.kind)
        SELECT 'schools.' || role || '.' || status, count(*)::numeric FROM counted GROUP BY role, status
        UNION ALL SELECT 'clusters.' || state, count(*)::numeric FROM st GROUP BY state
        UNION ALL SELECT 'clusters.total', count(*)::numeric FROM st
        UNION ALL SELECT 'activities', n::numeric FROM act
        UNION ALL SELECT 'participantHours', ph FROM act
        UNION ALL SELECT 'staffHours', sh FROM act
        UNION ALL SELECT 'costEuro', cost FROM act
        UNION ALL SELECT 'menteeSchools', mentees::numeric FROM mat
        UNION ALL SELECT 'menteesAssessed', assessed::numeric FROM mat
        UNION ALL SELECT 'maturityChange', change FROM mat
        UNION ALL SELECT kind || 's', n::numeric FROM learned
        UNION ALL SELECT kind || 's', n::numeric FROM talked
        """;

    public static async Task<IReadOnlyList<Figure>> ComputeAsync(NpgsqlConnection connection, Scope scope, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(Sql, connection);
        command.Parameters.Add(new NpgsqlParameter("cutoff", NpgsqlDbType.TimestampTz) { Value = scope.Cutoff });
        command.Parameters.Add(new NpgsqlParameter("country", NpgsqlDbType.Text) { Value = (object?)scope.Country ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("approach", NpgsqlDbType.Text) { Value = (object?)scope.Approach ?? DBNull.Value });
        var found = new Dictionary<string, decimal>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) found[reader.GetString(0)] = reader.GetDecimal(1);
        }

        return Complete(found, byApproach: scope.Approach is not null);
    }

    /// <summary>Every defined figure in order: zeros where nothing was counted, ratios from their parts, null where a figure does not apply.</summary>
    internal static IReadOnlyList<Figure> Complete(IReadOnlyDictionary<string, decimal> found, bool byApproach)
    {
        decimal Get(string key) => found.TryGetValue(key, out var value) ? value : 0;
        static decimal? Ratio(decimal numerator, decimal denominator, int decimals) =>
            denominator == 0 ? null : Math.Round(numerator / denominator, decimals, MidpointRounding.AwayFromZero);
        var notByApproach = new HashSet<string>(StringComparer.Ordinal) { "enrolments", "completions", "threads", "posts", "resources" };
        return [.. Definitions.Select(d => d.Key switch
        {
            "costPerMenteeSchool" => new Figure(d.Key, Ratio(Get("costEuro"), Get("menteeSchools"), 2)),
            "averageMaturityChange" => new Figure(d.Key, Ratio(Get("maturityChange"), Get("menteesAssessed"), 4)),
            "maturityChange" => new Figure(d.Key, Math.Round(Get("maturityChange"), 4, MidpointRounding.AwayFromZero)),
            var key when byApproach && notByApproach.Contains(key) => new Figure(key, null),
            var key => new Figure(key, Get(key)),
        })];
    }

    public static string Format(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";
}
