using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MenSI.Hosting;
using MenSI.Testing.Security;
using Xunit;
using Xunit.Abstractions;

namespace MenSI.EndToEnd.Tests;

/// <summary>
/// A hostile client, driven by the OpenAPI documents so every new operation inherits it: each operation of each
/// service gets classes of bad input (NUL characters, nulls in lists, wrong types, duplicate keys, a bogus charset,
/// broken UTF-8, numbers out of range, non-ASCII headers, an Accept it cannot have) as a network admin, so the input
/// reaches validation. Nothing may answer 5xx, and every 4xx must be a problem document. Services are called at their
/// own address (the gateway's rate limit would stop a fuzzer long before it had covered them); what the gateway
/// itself must refuse is sent through the gateway.
/// </summary>
[Collection(SharedGraph.Name)]
public class BadInputFuzzTests(GraphFixture graph, ITestOutputHelper output)
{
    private const string NulInPath = "NUL in a path parameter";

    private sealed record Operation(string Service, string Endpoint, string Method, string Path, JsonElement Definition, JsonElement Document);

    [Fact]
    public async Task No_operation_answers_bad_input_with_a_5xx_or_without_a_problem()
    {
        var token = await graph.Tokens.AdminTokenAsync();
        var failures = new List<string>();
        var sent = 0;
        foreach (var operation in await OperationsAsync())
        {
            using var client = PersonaTokens.Authorized(Utf8HeadersClient(new Uri(operation.Endpoint)), token);
            foreach (var (label, request) in BadRequests(operation))
            {
                using (request)
                {
                    sent++;
                    // Headers first: a stream (the community's live updates) is judged by its status, never read to its end.
                    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                    // Kestrel itself refuses a NUL in the path, before any middleware can run: a 400 with no body,
                    // which nothing of ours can dress as a problem. It changes nothing, so it is accepted as it is.
                    if (label == NulInPath && response.StatusCode == HttpStatusCode.BadRequest && response.Content.Headers.ContentLength == 0) continue;
                    if (await WhatIsWrongAsync(response) is { } wrong) failures.Add($"{operation.Method} {operation.Path} [{label}]: {wrong}");
                }
            }
        }

        output.WriteLine($"{sent} bad requests sent, {failures.Count} answered wrongly");
        Assert.True(sent > 300, $"only {sent} requests: the documents were not read");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(60)));
    }

    [Fact]
    public async Task The_gateway_refuses_what_it_cannot_forward_with_a_problem()
    {
        using var admin = PersonaTokens.Authorized(Utf8HeadersClient(graph.Gateway), await graph.Tokens.AdminTokenAsync());
        var cases = new List<(string Label, HttpRequestMessage Request, HttpStatusCode Expected)>();
        foreach (var header in new[] { "Idempotency-Key", "If-Match", "X-Anything" })
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/schools") { Content = JsonContent.Create(new { name = "x" }) };
            request.Headers.TryAddWithoutValidation(header, "clé-é");
            cases.Add(($"non-ASCII {header}", request, HttpStatusCode.BadRequest));
        }

        cases.Add(("NUL in the query", new HttpRequestMessage(HttpMethod.Get, "/api/v1/schools?name=%00"), HttpStatusCode.BadRequest));
        var xml = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/schools/{Guid.CreateVersion7()}");
        xml.Headers.Accept.ParseAdd("application/xml");
        cases.Add(("Accept: application/xml on a 404", xml, HttpStatusCode.NotFound));

        foreach (var (label, request, expected) in cases)
        {
            using (request)
            {
                using var response = await admin.SendAsync(request);
                Assert.True(expected == response.StatusCode, $"{label}: {(int)response.StatusCode}");
                Assert.True(await WhatIsWrongAsync(response) is null, $"{label}: {await WhatIsWrongAsync(response)}");
            }
        }

        using var head = await admin.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/api/v1/schools?country=HU"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode); // HEAD is the GET without its body, not a 405
    }

    /// <summary>A client that sends header values as UTF-8, as a careless one would (.NET's own refuses non-ASCII).</summary>
    private static HttpClient Utf8HeadersClient(Uri baseAddress) =>
        new(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 }) { BaseAddress = baseAddress };

    /// <summary>Null when the response is what a client may get for bad input: a 4xx problem (or a success).</summary>
    private static async Task<string?> WhatIsWrongAsync(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status < 400) return null;
        var body = await response.Content.ReadAsStringAsync();
        if (status >= 500) return $"{status}: {body[..Math.Min(body.Length, 300)]}";
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json") return $"{status} without a problem document ({response.Content.Headers.ContentType})";
        if (body.Contains("   at ", StringComparison.Ordinal) || body.Contains("System.", StringComparison.Ordinal) || body.Contains("`1", StringComparison.Ordinal))
        {
            return $"{status} naming code: {body[..Math.Min(body.Length, 300)]}";
        }

        return null;
    }

    private async Task<List<Operation>> OperationsAsync()
    {
        var operations = new List<Operation>();
        using var http = new HttpClient();
        foreach (var service in graph.App.Resources.OfType<ProjectResource>().Where(p => p.Name != "gateway"))
        {
            var document = await http.GetFromJsonAsync<JsonElement>($"{service.HttpEndpoint}/openapi/v1.json");
            foreach (var path in document.GetProperty("paths").EnumerateObject())
            {
                foreach (var op in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete"))
                {
                    operations.Add(new Operation(service.Name, service.HttpEndpoint, op.Name.ToUpperInvariant(), path.Name, op.Value, document));
                }
            }
        }

        Assert.NotEmpty(operations);
        return operations;
    }

    private static IEnumerable<(string Label, HttpRequestMessage Request)> BadRequests(Operation operation)
    {
        var method = new HttpMethod(operation.Method);
        var parameters = operation.Definition.TryGetProperty("parameters", out var p) ? p.EnumerateArray().ToList() : [];
        string PathWith(string idValue) => System.Text.RegularExpressions.Regex.Replace(operation.Path, "{[^}]+}", idValue);
        var path = PathWith(Guid.CreateVersion7().ToString());

        if (operation.Path.Contains('{', StringComparison.Ordinal)) yield return (NulInPath, Request(method, PathWith("x%00y")));
        yield return ("not an id in a path parameter", Request(method, PathWith("not-an-id")));
        foreach (var query in parameters.Where(q => q.GetProperty("in").GetString() == "query").Select(q => q.GetProperty("name").GetString()!))
        {
            foreach (var (label, value) in new[] { ("NUL", "%00"), ("word", "abc"), ("huge", "99999999999999999999"), ("negative", "-1"), ("C# name", "TopDown") })
            {
                yield return ($"{label} in ?{query}", Request(method, $"{path}?{query}={value}"));
            }
        }

        if (!operation.Definition.TryGetProperty("requestBody", out var requestBody)) yield break;
        var properties = BodyProperties(requestBody, operation.Document);
        yield return ("empty object", Json(method, path, "{}"));
        yield return ("null body", Json(method, path, "null"));
        yield return ("array body", Json(method, path, "[]"));
        yield return ("duplicate keys", Json(method, path, """{"name":"a","name":"b"}"""));
        yield return ("broken UTF-8", Raw(method, path, [(byte)'{', (byte)'"', (byte)'n', (byte)'"', (byte)':', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)'}'], "application/json"));
        yield return ("lone surrogate", Json(method, path, """{"name":"\ud800"}"""));
        yield return ("bogus charset", Raw(method, path, "{}"u8.ToArray(), "application/json; charset=bogus"));
        foreach (var (name, schema) in properties)
        {
            yield return ($"NUL in {name}", Json(method, path, $$"""{"{{name}}":"a\u0000b"}"""));
            yield return ($"object for {name}", Json(method, path, $$$"""{"{{{name}}}":{"x":1}}"""));
            yield return ($"huge number for {name}", Json(method, path, $$"""{"{{name}}":1e400}"""));
            if (schema.TryGetProperty("type", out var type) && type.ToString().Contains("array", StringComparison.Ordinal))
            {
                yield return ($"null item in {name}", Json(method, path, $$"""{"{{name}}":[null]}"""));
                yield return ($"NUL item in {name}", Json(method, path, $$"""{"{{name}}":["a\u0000"]}"""));
            }
        }

        var idempotent = Json(method, path, "{}");
        idempotent.Headers.TryAddWithoutValidation("Idempotency-Key", "ключ");
        yield return ("non-ASCII Idempotency-Key", idempotent);
        var ifMatch = Json(method, path, "{}");
        ifMatch.Headers.TryAddWithoutValidation("If-Match", "\"é\"");
        yield return ("non-ASCII If-Match", ifMatch);
    }

    /// <summary>The request body's properties, following a <c>$ref</c> into the document's components.</summary>
    private static List<(string Name, JsonElement Schema)> BodyProperties(JsonElement requestBody, JsonElement document)
    {
        if (!requestBody.TryGetProperty("content", out var content)) return [];
        var schema = content.EnumerateObject().Select(c => c.Value).FirstOrDefault(c => c.TryGetProperty("schema", out _));
        if (schema.ValueKind != JsonValueKind.Object) return [];
        var body = Resolve(schema.GetProperty("schema"), document);
        return body.TryGetProperty("properties", out var props) ? props.EnumerateObject().Select(p => (p.Name, Resolve(p.Value, document))).ToList() : [];
    }

    private static JsonElement Resolve(JsonElement schema, JsonElement document)
    {
        for (var depth = 0; depth < 5 && schema.TryGetProperty("$ref", out var reference); depth++)
        {
            var name = reference.GetString()!.Split('/').Last();
            schema = document.GetProperty("components").GetProperty("schemas").GetProperty(name);
        }

        return schema;
    }

    private static HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        if (method != HttpMethod.Get && method != HttpMethod.Delete) request.Content = JsonContent.Create(new { });
        request.Headers.TryAddWithoutValidation("If-Match", "*");
        return request;
    }

    private static HttpRequestMessage Json(HttpMethod method, string path, string json) =>
        Raw(method, path, Encoding.UTF8.GetBytes(json), "application/json");

    private static HttpRequestMessage Raw(HttpMethod method, string path, byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        var request = new HttpRequestMessage(method == HttpMethod.Get ? HttpMethod.Post : method, path) { Content = content };
        request.Headers.TryAddWithoutValidation("If-Match", "*");
        return request;
    }
}
