using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace MenSI.Testing;

/// <summary>
/// The specifications' own JSON Schemas (tests/Specifications, unchanged copies), which the tools developers run on our
/// documents check first: a document that merely looks right can still break one.
/// </summary>
public static class Specifications
{
    public static readonly Lazy<JsonSchema> AsyncApi30 = new(() => Load("asyncapi-3.0.0.schema.json"));
    public static readonly Lazy<JsonSchema> OpenApi31 = new(() => Load("openapi-3.1.schema.json"));

    /// <summary>Where <paramref name="document"/> breaks <paramref name="specification"/>, with every branch of a <c>oneOf</c> it did not match; empty when valid.</summary>
    public static List<string> Errors(JsonSchema specification, JsonNode document)
    {
        using var parsed = JsonDocument.Parse(document.ToJsonString());
        var results = specification.Evaluate(parsed.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return results.IsValid ? [] : [.. (results.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key} {e.Value}"))];
    }

    // NJsonSchema, which the rest of the tests use, cannot read these (draft-07 and 2020-12 with boolean schemas).
    // JsonSchema.Net 8.0.5 fails on a patternProperties key with a '/' in it (OpenAPI's "^/" for paths: it looks the
    // key up pointer-escaped), so that one key is written as the same pattern without the character.
    private static JsonSchema Load(string file) => JsonSchema.FromText(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Specifications", file)).Replace(@"""^/"": {", @"""^[\\x2F]"": {", StringComparison.Ordinal));
}
