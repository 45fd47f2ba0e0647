using MenSI.Community.Profiles;
using MenSI.Community.Spaces;
using MenSI.Community.Threads;
using MenSI.ServiceDefaults;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Community.Search;

public sealed record SearchQuery(string? Q, Guid? SpaceId, string? Tag, string? Language, string? Country, int? Page, int? PageSize);

public sealed record SearchHit(Guid PostId, Guid ThreadId, string ThreadTitle, Guid SpaceId, string Language, string Author, string Excerpt, DateTimeOffset CreatedAt);

/// <summary>
/// Full-text search over posts (an opening post carries its thread's title), in the network's languages: accents and
/// case never matter, and words match their other forms where PostgreSQL stems the language (Dutch, Hungarian, Italian,
/// Portuguese, English; Croatian and Czech match whole words). Two GIN-indexed vectors per post (migration
/// <c>InitialCommunity</c>): a plain one and one stemmed in the post's language; a query matches either. Only spaces
/// the caller may read, and no hidden post for anyone but the space's moderators.
/// </summary>
public static class SearchEndpoints
{
    /// <summary>Above this many estimated matches, a page is found faster by walking posts newest first than by sorting the matches.</summary>
    public const int CommonTermMatches = 20_000;

    internal const string Match = """
        search_simple @@ websearch_to_tsquery('simple', community_unaccent(@q))
           OR search_stemmed @@ (websearch_to_tsquery('dutch', community_unaccent(@q)) || websearch_to_tsquery('hungarian', community_unaccent(@q))
                                || websearch_to_tsquery('italian', community_unaccent(@q)) || websearch_to_tsquery('portuguese', community_unaccent(@q))
                                || websearch_to_tsquery('english', community_unaccent(@q)))
        """;

    public static void MapSearchEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet(SpaceEndpoints.Route + "/search", Search).WithTags("Search").WithName("Search").RequireAuthorization(Policies.Member);

    internal static async Task<Results<Ok<Page<SearchHit>>, ValidationProblem>> Search([AsParameters] SearchQuery query, Caller caller, CommunityDbContext db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var paging = new PageQuery(query.Page, query.PageSize);
        paging.Validate(errors);
        var q = query.Q?.Trim();
        if (string.IsNullOrEmpty(q) || q.Length > 200) errors["q"] = ["Required: 1 to 200 characters (words; \"quoted phrases\", or, -excluded)."];
        var language = query.Language is null ? null : ThreadRules.CheckLanguage(query.Language, errors);
        var country = query.Country?.Trim().ToUpperInvariant();
        if (country is { Length: > 0 } && !Countries.IsEuropean(country)) errors["country"] = [Countries.Invalid];
        if (errors.Count > 0) return Problems.Validation(errors);

        var matches = db.Posts.FromSqlRaw($"SELECT * FROM posts WHERE {Match}", new Npgsql.NpgsqlParameter("q", q)).AsNoTracking();
        var readable = db.ReadableSpaces(caller);
        var moderated = db.ModeratedSpaceIds(caller);
        var hits = from p in matches
                   join t in db.Threads on p.ThreadId equals t.Id
                   join s in readable on p.SpaceId equals s.Id
                   where (!p.Hidden && !t.Hidden) || moderated.Contains(s.Id)
                   select new { Post = p, t.Title, t.Tags, SpaceCountry = s.Country };
        if (query.SpaceId is { } space) hits = hits.Where(h => h.Post.SpaceId == space);
        if (language is not null) hits = hits.Where(h => h.Post.Language == language);
        if (country is { Length: > 0 }) hits = hits.Where(h => h.SpaceCountry == country);
        if (query.Tag is { Length: > 0 } tag) hits = hits.Where(h => h.Tags.Contains(tag.Trim().ToLowerInvariant()));

        // Newest first, two ways: a common term walks the posts' time index until a page has matched; a rare one takes its
        // few matches from the word indexes and sorts them. PostgreSQL's own estimate of the matches decides (it misjudges
        // rare terms enough to pick the walk, which then reads most of the table).
        var common = await EstimatedMatchesAsync(db, q!, ct) > CommonTermMatches;
        var page = await hits.ToPageAsync(x => common
            ? x.OrderByDescending(h => h.Post.CreatedAt).ThenBy(h => h.Post.Id)
            : x.OrderByDescending(h => h.Post.CreatedAt.AddSeconds(0)).ThenBy(h => h.Post.Id), paging, h => h, ct);
        var names = await db.NamesAsync(page.Items.Select(h => h.Post.AuthorId), ct);
        return TypedResults.Ok(new Page<SearchHit>([.. page.Items.Select(h => new SearchHit(h.Post.Id, h.Post.ThreadId, h.Title, h.Post.SpaceId, h.Post.Language,
            Names.Of(h.Post.AuthorId, names), h.Post.Markdown.Length > 200 ? h.Post.Markdown[..200] + "…" : h.Post.Markdown, h.Post.CreatedAt))],
            page.PageNumber, page.PageSize, page.TotalCount, page.TotalCountCapped));
    }

    private static async Task<double> EstimatedMatchesAsync(CommunityDbContext db, string q, CancellationToken ct)
    {
        var connection = (Npgsql.NpgsqlConnection)db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened) await connection.OpenAsync(ct);
        try
        {
            await using var explain = new Npgsql.NpgsqlCommand($"EXPLAIN (FORMAT JSON) SELECT 1 FROM posts WHERE {Match}", connection);
            explain.Parameters.AddWithValue("q", q);
            using var plan = System.Text.Json.JsonDocument.Parse((string)(await explain.ExecuteScalarAsync(ct))!);
            return plan.RootElement[0].GetProperty("Plan").GetProperty("Plan Rows").GetDouble();
        }
        finally
        {
            if (opened) await connection.CloseAsync();
        }
    }
}
