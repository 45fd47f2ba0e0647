using System.Collections.Concurrent;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace MenSI.Community.Search;

/// <summary>
/// The post search as one SQL statement per step, written by hand because the plan is the feature (measured over
/// 1,000,000 posts in docs/benchmarks.md). Visibility is checked on the posts alone: the caller's readable and moderated
/// spaces go in as arrays, and a hidden thread is an anti-join against the few hidden ones (partial index
/// <c>ix_threads_hidden</c>), so no step joins the threads table until the page is chosen. A capped count runs first
/// and decides the page's plan: many matches, and the newest page is found by walking the posts' time index (a page is
/// met within the first rows); few, and they are taken from the word indexes and sorted (see <see cref="RunAsync"/>).
/// </summary>
internal sealed class PostSearch(string q, Guid[] readable, Guid[] moderated, string? language, string? tag)
{
    /// <summary>
    /// Matches counted exactly up to here ("200+" beyond): what a reader can use, and cheap for any term (a phrase is
    /// checked against each candidate's positions: counting 1,000 of a common one took 65 ms, 200 about 13).
    /// </summary>
    public const int CountCap = 200;

    /// <summary>Up to this many matches, the word indexes find them all and the page is sorted; past it, posts are read newest first.</summary>
    public const int SortLimit = 2_000;

    /// <summary>A word the planner expects in more posts than this is common: its matches are met by reading posts in order.</summary>
    public const double CommonWordRows = 50_000;

    public sealed record Row(Guid PostId, Guid ThreadId, string ThreadTitle, Guid SpaceId, string Language, Guid? AuthorId, string Excerpt, DateTimeOffset CreatedAt);

    /// <summary>
    /// The planner's estimate of a whole query misleads it both ways at a million posts: it over-estimates a rare word
    /// (29,620 rows for 400) and reads half the table to count it, and it multiplies several common words' frequencies,
    /// expects few matches and builds every word's whole bitmap (1.2 s) where reading posts in order meets a page at
    /// once. So each required word's own estimate decides, and the transaction's settings say it: all common, no bitmap
    /// scans (count and page read posts in order); otherwise no sequential scans (the word indexes count the matches,
    /// up to <see cref="SortLimit"/>, and few are sorted).
    /// </summary>
    public async Task<(IReadOnlyList<Row> Rows, int Total, bool Capped)> RunAsync(NpgsqlConnection connection, int skip, int take, CancellationToken ct)
    {
        var common = await AllWordsCommonAsync(connection, ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await ExecuteAsync(connection, common ? "SET LOCAL enable_bitmapscan = off" : "SET LOCAL enable_seqscan = off", ct);
        var limit = common ? CountCap : SortLimit;
        await using var count = Command(connection, $"SELECT count(*)::int FROM (SELECT 1 FROM posts p WHERE {Where()} LIMIT {limit + 1}) matched");
        var total = (int)(await count.ExecuteScalarAsync(ct))!;
        var walk = total > limit;
        // Common words that rarely meet: few matches after all, which the word indexes find best.
        if (common && !walk) await ExecuteAsync(connection, "SET LOCAL enable_bitmapscan = on", ct);
        // "+ interval '0'" hides the time index from the planner, so few matches are sorted rather than walked for.
        var order = walk ? "p.created_at DESC, p.id" : "p.created_at + interval '0' DESC, p.id";
        await using var page = Command(connection, $"""
            SELECT p.id, p.thread_id, t.title, p.space_id, p.language, p.author_id, left(p.markdown, 201), p.created_at
            FROM (SELECT p.* FROM posts p WHERE {Where()} ORDER BY {order} LIMIT @take OFFSET @skip) p
            JOIN threads t ON t.id = p.thread_id
            ORDER BY p.created_at DESC, p.id
            """);
        page.Parameters.AddWithValue("take", take);
        page.Parameters.AddWithValue("skip", skip);
        var rows = new List<Row>();
        await using (var reader = await page.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add(new Row(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetGuid(3), reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetGuid(5), reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7)));
            }
        }

        await transaction.CommitAsync(ct);
        return (rows, Math.Min(total, CountCap), total > CountCap);
    }

    /// <summary>The words every match must have (not after <c>-</c>, not <c>or</c>, quotes dropped), each judged by the planner's estimate alone.</summary>
    private async Task<bool> AllWordsCommonAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var words = RequiredWords(q);
        if (words.Count == 0) return false;
        foreach (var word in words.Take(4))
        {
            if (!await IsCommonAsync(connection, word.ToLowerInvariant(), ct)) return false;
        }

        return true;
    }

    /// <summary>Estimates only change when PostgreSQL analyses the table again, so each word's is kept for a while.</summary>
    private static readonly ConcurrentDictionary<string, (bool Common, DateTime Until)> Commonness = new(StringComparer.Ordinal);

    private static async Task<bool> IsCommonAsync(NpgsqlConnection connection, string word, CancellationToken ct)
    {
        if (Commonness.TryGetValue(word, out var known) && known.Until > DateTime.UtcNow) return known.Common;
        await using var explain = new NpgsqlCommand($"EXPLAIN (FORMAT JSON) SELECT 1 FROM posts p WHERE {SearchEndpoints.Match("p")}", connection);
        explain.Parameters.AddWithValue("q", word);
        using var plan = System.Text.Json.JsonDocument.Parse((string)(await explain.ExecuteScalarAsync(ct))!);
        var common = plan.RootElement[0].GetProperty("Plan").GetProperty("Plan Rows").GetDouble() >= CommonWordRows;
        if (Commonness.Count > 50_000) Commonness.Clear();
        Commonness[word] = (common, DateTime.UtcNow.AddMinutes(10));
        return common;
    }

    internal static IReadOnlyList<string> RequiredWords(string query) =>
        [.. query.Replace("\"", " ", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(w => !w.StartsWith('-') && !w.Equals("or", StringComparison.OrdinalIgnoreCase))];

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private string Where()
    {
        var where = new StringBuilder($"""
            {SearchEndpoints.Match("p")}
              AND p.space_id = ANY(@readable)
              AND (NOT p.hidden OR p.space_id = ANY(@moderated))
              AND (p.space_id = ANY(@moderated) OR NOT EXISTS (SELECT 1 FROM threads h WHERE h.hidden AND h.id = p.thread_id))
            """);
        if (language is not null) where.Append(" AND p.language = @language");
        if (tag is not null) where.Append(" AND EXISTS (SELECT 1 FROM threads g WHERE g.id = p.thread_id AND @tag = ANY(g.tags))");
        return where.ToString();
    }

    private NpgsqlCommand Command(NpgsqlConnection connection, string sql)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("q", q);
        command.Parameters.Add(new NpgsqlParameter("readable", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = readable });
        command.Parameters.Add(new NpgsqlParameter("moderated", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = moderated });
        if (language is not null) command.Parameters.AddWithValue("language", language);
        if (tag is not null) command.Parameters.AddWithValue("tag", tag);
        return command;
    }
}
