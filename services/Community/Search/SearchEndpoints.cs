using MenSI.Community.Profiles;
using MenSI.Community.Spaces;
using MenSI.Community.Threads;
using MenSI.ServiceDefaults;
using MenSI.ServiceDefaults.Data;
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
    /// <summary>The match of <c>@q</c> against a row's two vectors (posts and resources have both), for the row named <paramref name="row"/>.</summary>
    internal static string Match(string row) => $"""
        ({row}.search_simple @@ websearch_to_tsquery('simple', community_unaccent(@q))
           OR {row}.search_stemmed @@ (websearch_to_tsquery('dutch', community_unaccent(@q)) || websearch_to_tsquery('hungarian', community_unaccent(@q))
                                || websearch_to_tsquery('italian', community_unaccent(@q)) || websearch_to_tsquery('portuguese', community_unaccent(@q))
                                || websearch_to_tsquery('english', community_unaccent(@q))))
        """;

    public static void MapSearchEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet(SpaceEndpoints.Route + "/search", Search).WithTags("Search").WithName("Search")
            .Describe(new()
            {
                ["q"] = "Required: the words to find in threads, posts and resources; \"quoted phrases\", or, -excluded words.",
                ["spaceId"] = "Only what is in this space.",
                ["tag"] = "Only what carries this tag.",
                ["language"] = "Only what is written in this language (ISO 639-1, e.g. hu).",
            }).RequireAuthorization(Policies.Member);

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

        var readable = db.ReadableSpaces(caller);
        if (query.SpaceId is { } space) readable = readable.Where(s => s.Id == space);
        if (country is { Length: > 0 }) readable = readable.Where(s => s.Country == country);
        var readableIds = await readable.Select(s => s.Id).ToArrayAsync(ct);
        var moderatedIds = await db.ModeratedSpaceIds(caller).ToArrayAsync(ct);
        var search = new PostSearch(q!, readableIds, moderatedIds, language, query.Tag is { Length: > 0 } tag ? tag.Trim().ToLowerInvariant() : null);
        var (rows, total, capped) = await db.WithConnectionAsync(connection => search.RunAsync(connection, paging.Skip, paging.Size, ct), ct);
        var names = await db.NamesAsync(rows.Select(r => r.AuthorId), ct);
        return TypedResults.Ok(new Page<SearchHit>([.. rows.Select(r => new SearchHit(r.PostId, r.ThreadId, r.ThreadTitle, r.SpaceId, r.Language,
            Names.Of(r.AuthorId, names), r.Excerpt.Length > 200 ? r.Excerpt[..200] + "…" : r.Excerpt, r.CreatedAt))], paging.PageNumber, paging.Size, total, capped));
    }
}
