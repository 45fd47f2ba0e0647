using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.OpenApi;

namespace MenSI.ServiceDefaults.Http;

/// <summary>
/// The parameters every service shares, described once: paging, the id in a path, ids of other things in a path, and
/// the country filter. A parameter only one endpoint has says what it is with <c>[Description]</c> where it is declared
/// (a query record's parameter, a handler's argument). The API documents' test fails on a parameter left undescribed.
/// </summary>
public static class ParameterDescriptions
{
    public static string? For(string name, ParameterLocation? location, string path) => (name, location) switch
    {
        ("page", ParameterLocation.Query) => "Page number, from 1 (default 1).",
        ("pageSize", ParameterLocation.Query) => $"Items per page, 1 to {PageQuery.MaxPageSize} (default {PageQuery.DefaultPageSize}).",
        ("country", ParameterLocation.Query) => "Only those of this country: its ISO 3166-1 alpha-2 code, e.g. HU.",
        ("id", ParameterLocation.Path) => $"The {Owner(path)}'s id.",
        ("clientId", ParameterLocation.Path) => "The machine client's client_id, e.g. ministry-hu-registry.",
        (_, ParameterLocation.Path) when name.EndsWith("Id", StringComparison.Ordinal) => $"The {ApiDescription.Humanize(name[..^2]).ToLowerInvariant()}'s id.",
        _ => null,
    };

    /// <summary>What <c>{id}</c> names: the collection before it, in the singular ("/api/v1/community/spaces/{id}/threads": space).</summary>
    private static string Owner(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var at = Array.FindIndex(segments, s => s == "{id}" || s.StartsWith("{id:", StringComparison.Ordinal));
        var collection = at > 0 ? segments[at - 1] : "resource";
        return collection switch
        {
            _ when collection.EndsWith("ies", StringComparison.Ordinal) => collection[..^3] + "y",
            _ when collection.EndsWith('s') => collection[..^1],
            _ => collection,
        };
    }
}

/// <summary>
/// What an endpoint's own parameters mean (camelCase name → a sentence), as endpoint metadata the API description
/// reads: <c>.Describe(new() { ["status"] = "..." })</c> beside the mapping. (Not <c>[Description]</c> on a query
/// record: with the request delegate generator that attribute makes the OpenAPI document fail.)
/// </summary>
public sealed class ParameterDocs() : Dictionary<string, string>(StringComparer.Ordinal);

public static class ParameterDocsExtensions
{
    public static TBuilder Describe<TBuilder>(this TBuilder builder, ParameterDocs parameters) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(parameters);
}
