using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json.Nodes;
using MenSI.Hosting;
using MenSI.ServiceDefaults.Http;
using MenSI.Testing;
using Xunit;

namespace MenSI.EndToEnd.Tests;

/// <summary>
/// The gateway as a front-end developer meets it first: the API reference at /docs, the documents behind it, and the
/// sign-in the page is configured for, ending in a working call with the token it gives.
/// </summary>
[Collection(SharedGraph.Name)]
public partial class ApiDocumentTests(GraphFixture graph)
{
    private static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];

    [Fact]
    public async Task The_merged_document_holds_every_service_operation_addressed_to_the_gateway()
    {
        using var anonymous = graph.Client();
        var merged = (await anonymous.GetFromJsonAsync<JsonObject>("/openapi/mensi.json"))!;
        Assert.Null(merged["x-missing-services"]);
        var publicBase = $"http://localhost:{graph.Gateway.Port}";
        Assert.Equal(publicBase, merged["servers"]![0]!["url"]!.GetValue<string>());
        Assert.Equal(publicBase + "/connect/authorize", merged["components"]!["securitySchemes"]!["oauth2"]!["flows"]!["authorizationCode"]!["authorizationUrl"]!.GetValue<string>());

        var services = graph.App.Resources.OfType<ProjectResource>().Where(p => p.Name != "gateway").Select(p => p.Name).ToList();
        foreach (var service in services)
        {
            var own = (await anonymous.GetFromJsonAsync<JsonObject>($"/openapi/{service}.json"))!;
            var operations = Operations(own).ToList();
            Assert.NotEmpty(operations);
            foreach (var (path, method, _) in operations)
            {
                Assert.True(merged["paths"]?[path]?[method] is not null, $"{method.ToUpperInvariant()} {path} of {service} is missing from the merged document");
            }
        }

        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/openapi/nothing.json")).StatusCode);
    }

    /// <summary>What a client generator (NSwag, Kiota, openapi-typescript) checks first: every document is OpenAPI 3.1 by the specification's own schema.</summary>
    [Fact]
    public async Task Every_document_is_valid_by_the_OpenAPI_3_1_specification()
    {
        using var anonymous = graph.Client();
        var documents = graph.App.Resources.OfType<ProjectResource>().Where(p => p.Name != "gateway").Select(p => p.Name).Prepend("mensi");
        foreach (var name in documents)
        {
            var document = (await anonymous.GetFromJsonAsync<JsonObject>($"/openapi/{name}.json"))!;
            var errors = Specifications.Errors(Specifications.OpenApi31.Value, document);
            Assert.True(errors.Count == 0, $"/openapi/{name}.json:\n" + string.Join("\n", errors.Take(20)));
        }

        var broken = (await anonymous.GetFromJsonAsync<JsonObject>("/openapi/registry.json"))!;
        broken["paths"]!.AsObject().First().Value!.AsObject().First(o => Methods.Contains(o.Key)).Value!["responses"] = new JsonArray(); // a map
        Assert.NotEmpty(Specifications.Errors(Specifications.OpenApi31.Value, broken));
    }

    [Fact]
    public async Task The_reference_page_opens_with_the_conventions_and_every_problem_type()
    {
        using var anonymous = graph.Client();
        var merged = (await anonymous.GetFromJsonAsync<JsonObject>("/openapi/mensi.json"))!;
        var introduction = merged["info"]!["description"]!.GetValue<string>();
        foreach (var section in new[] { "## Signing in", "## Rate limits", "## Errors", "## Lists", "## Concurrency", "## Idempotency", "## JSON" })
        {
            Assert.Contains(section, introduction);
        }

        Assert.DoesNotContain("(Registry)", introduction); // the per-service tables: each operation describes itself
        Assert.DoesNotContain(".md)", introduction); // no link into the repository, which a front-end developer may not have
        var problemTypes = typeof(ProblemTypes).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.True(problemTypes.Count > 10);
        var undocumented = problemTypes.Where(type => !introduction.Contains($"`{type}`", StringComparison.Ordinal)).ToList();
        Assert.True(undocumented.Count == 0, $"docs/api-conventions.md does not list {string.Join(", ", undocumented)}");
    }

    /// <summary>The completeness rule for every operation, so a new endpoint cannot skip it.</summary>
    [Fact]
    public async Task Every_operation_is_named_summarised_secured_describes_its_parameters_and_lists_its_problems()
    {
        using var anonymous = graph.Client();
        var merged = (await anonymous.GetFromJsonAsync<JsonObject>("/openapi/mensi.json"))!;
        var gaps = new List<string>();
        foreach (var (path, method, operation) in Operations(merged))
        {
            var name = $"{method.ToUpperInvariant()} {path}";
            var responses = operation["responses"]?.AsObject() ?? [];
            if (operation["operationId"] is null) gaps.Add($"{name}: no operationId (WithName)");
            if (string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>())) gaps.Add($"{name}: no summary");
            if (!responses.Any(r => r.Key.StartsWith('2') || r.Key.StartsWith('3'))) gaps.Add($"{name}: no success response");
            foreach (var status in new[] { "429", "503" }.Concat(path.Contains('{') ? ["404"] : []).Concat(operation["parameters"] is not null || operation["requestBody"] is not null ? ["400"] : []))
            {
                var problem = responses[status];
                if (problem?["content"]?["application/problem+json"] is null) gaps.Add($"{name}: no {status} problem response");
                else if (!problem["description"]!.GetValue<string>().Contains("urn:mensi:problem:", StringComparison.Ordinal)) gaps.Add($"{name}: {status} names no problem type");
            }

            var secured = operation["security"] is JsonArray { Count: > 0 } security && security[0]!["oauth2"] is not null;
            if (secured != responses.ContainsKey("401")) gaps.Add($"{name}: security and the 401 response disagree");
            foreach (var parameter in operation["parameters"]?.AsArray() ?? [])
            {
                if (parameter!["schema"] is null) gaps.Add($"{name}: parameter {parameter["name"]} has no schema");
                if (string.IsNullOrWhiteSpace(parameter["description"]?.GetValue<string>())) gaps.Add($"{name}: parameter {parameter["name"]} is not described (.Describe)");
                if (!char.IsLower(parameter["name"]!.GetValue<string>()[0])) gaps.Add($"{name}: parameter {parameter["name"]} is not named as clients write it");
            }
        }

        Assert.True(gaps.Count == 0, string.Join(Environment.NewLine, gaps.Take(40)));
        // The services' kebab-case enums are listed (ClusterFormed's approach, for one).
        Assert.Contains("\"bottom-up\"", merged.ToJsonString(), StringComparison.Ordinal);
    }

    private static IEnumerable<(string Path, string Method, JsonObject Operation)> Operations(JsonObject document) =>
        document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject()
            .Where(o => Methods.Contains(o.Key))
            .Select(o => (p.Key, o.Key, o.Value!.AsObject())));
}
