using Microsoft.EntityFrameworkCore;

namespace MenSI.Registry.Schools;

/// <summary>
/// Name search for Europe: case and accents do not matter ("skola" finds "Škola", "escola basica" finds "Escola
/// Básica"), and every word must appear. Both sides go through the same PostgreSQL function (unaccent, then lower),
/// so the database, not C#, decides what an accent is; a stored column holds the name's key with a trigram index.
/// </summary>
public static class SchoolSearch
{
    public const string KeyFunction = "mensi_search_key";

    /// <summary>Created by the migration that adds the search column: immutable, so it can feed a stored column and an index.</summary>
    public const string CreateKeyFunctionSql = $"""
        CREATE EXTENSION IF NOT EXISTS unaccent;
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        CREATE OR REPLACE FUNCTION {KeyFunction}(text) RETURNS text
            LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
            AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;
        """;

    /// <summary>Maps to <see cref="KeyFunction"/> in queries; never runs in .NET.</summary>
    public static string Key(string text) => throw new InvalidOperationException("Only for use in LINQ queries translated to SQL.");

    public const int MaxWords = 8;

    public static IReadOnlyList<string> Words(string query) =>
        query.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(MaxWords).ToList();

    /// <summary>Keeps schools whose name contains every word of <paramref name="query"/>, ignoring case and accents.</summary>
    public static IQueryable<School> WhereNameMatches(this IQueryable<School> schools, string query)
    {
        foreach (var word in Words(query))
        {
            var pattern = "%" + word.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
                .Replace("_", "\\_", StringComparison.Ordinal) + "%";
            schools = schools.Where(s => EF.Functions.Like(s.SearchName, Key(pattern), "\\"));
        }

        return schools;
    }

    public static void MapKeyFunction(this ModelBuilder modelBuilder) =>
        modelBuilder.HasDbFunction(typeof(SchoolSearch).GetMethod(nameof(Key))!).HasName(KeyFunction).IsBuiltIn(false);
}
