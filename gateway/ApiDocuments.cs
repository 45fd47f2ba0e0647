using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Messaging.Catalogue;
using Scalar.AspNetCore;

namespace MenSI.Gateway;

/// <summary>
/// What developers build against, served where they already call: each service's OpenAPI document
/// (<c>/openapi/&lt;service&gt;.json</c>) and all of them merged (<c>/openapi/mensi.json</c>), addressed to the
/// gateway, with a reference page at <c>/docs</c> that signs in through Identity (authorization code + PKCE, client
/// <c>mensi-docs</c>); and the event contracts (<c>/asyncapi.json</c>, AsyncAPI 3.0).
/// </summary>
public static partial class ApiDocuments
{
    public const string Merged = "mensi";
    public const string DocsClientId = "mensi-docs";
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(30);
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private static readonly Lazy<string> AsyncApi = new(() => AsyncApiDocument.Build().ToJsonString(Indented));
    private static readonly ConcurrentDictionary<string, (DateTime At, Task<JsonObject?> Document)> Recent = new();

    public static WebApplication MapApiDocuments(this WebApplication app)
    {
        var services = app.Configuration.GetSection("Gateway:Routes").Get<Dictionary<string, GatewayRoute>>()!
            .Values.Select(r => r.Service).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

        app.MapGet("/asyncapi.json", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=300";
            return Results.Text(AsyncApi.Value, "application/json");
        }).AllowAnonymous();

        // Also under /docs/: the reference page names its documents relative to its own address.
        app.MapMethods("/openapi/{document}.json", ["GET"], ServeAsync).AllowAnonymous();
        app.MapMethods("/docs/openapi/{document}.json", ["GET"], ServeAsync).AllowAnonymous();

        async Task<IResult> ServeAsync(string document, HttpContext context)
        {
            var publicBase = PublicBase(app.Configuration, context);
            if (document == Merged) return Results.Json(await MergedAsync(app.Configuration, services, publicBase), Indented);
            if (!services.Contains(document)) return Problems.Problem(StatusCodes.Status404NotFound, ProblemTypes.NotFound, "No such document.", $"Documents: {Merged}, {string.Join(", ", services)}.");
            if (await ServiceDocumentAsync(app.Configuration, document, publicBase) is { } one) return Results.Json(one, Indented);
            return Problems.Unavailable(context.Response, $"{document} does not answer; retry shortly.");
        }

        app.MapScalarApiReference("/docs", options =>
        {
            options.WithTitle("MenSI Platform API").WithOpenApiRoutePattern("/openapi/{documentName}.json");
            options.AddDocument(Merged, "All services", isDefault: true);
            foreach (var service in services) options.AddDocument(service, char.ToUpperInvariant(service[0]) + service[1..]);
            // The page works with the gateway alone (its CSP allows nothing else): no fonts from a CDN, and none of the
            // buttons whose features live at scalar.com (AI agent, MCP server, the developer toolbar's share and SDK
            // generation), nor its telemetry.
            options.DefaultFonts = false;
            options.DisableTelemetry().DisableAgent().DisableMcp().HideDeveloperTools();
            options.AddPreferredSecuritySchemes(ApiDescription.SecurityScheme)
                .AddAuthorizationCodeFlow(ApiDescription.SecurityScheme, flow => flow
                    .WithClientId(DocsClientId)
                    .WithPkce(Pkce.Sha256)
                    .WithSelectedScopes(["openid", "profile", "mensi-api"])
                    .WithRedirectUri(app.Configuration["Authentication:Issuer"]?.TrimEnd('/') + "/docs/")); // with the slash: Scalar redirects /docs to docs/ without the query, the code with it
        }).AllowAnonymous().AddEndpointFilter(async (context, next) =>
        {
            // The page runs Scalar's script and calls the gateway itself; nothing else.
            context.HttpContext.Response.Headers.ContentSecurityPolicy =
                "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";
            return await next(context);
        });
        return app;
    }

    /// <summary>The address clients use: the issuer the AppHost gives (the gateway's public address), else this request's.</summary>
    private static string PublicBase(IConfiguration configuration, HttpContext context) =>
        configuration["Authentication:Issuer"]?.TrimEnd('/') ?? $"{context.Request.Scheme}://{context.Request.Host}";

    /// <summary>A service's own document, addressed to the gateway (servers and the OAuth2 endpoints); null when it does not answer.</summary>
    private static async Task<JsonObject?> ServiceDocumentAsync(IConfiguration configuration, string service, string publicBase)
    {
        var now = DateTime.UtcNow;
        var entry = Recent.AddOrUpdate(service, _ => (now, FetchAsync(configuration, service)),
            (_, recent) => now - recent.At < Freshness && recent.Document is { IsCompletedSuccessfully: true, Result: not null } ? recent : (now, FetchAsync(configuration, service)));
        if (await entry.Document is not { } document) return null;

        var copy = document.DeepClone().AsObject();
        copy["servers"] = new JsonArray(new JsonObject { ["url"] = publicBase, ["description"] = "The MenSI gateway" });
        if (copy["components"]?["securitySchemes"]?["oauth2"]?["flows"] is JsonObject flows)
        {
            foreach (var (_, flow) in flows)
            {
                foreach (var url in new[] { "authorizationUrl", "tokenUrl", "refreshUrl" })
                {
                    if (flow?[url] is JsonValue relative) flow[url] = publicBase + relative.GetValue<string>();
                }
            }

            // People's flow first: the reference page offers the first one, and a developer there signs in as a person.
            if (flows.Remove("authorizationCode", out var people)) flows.Insert(0, "authorizationCode", people);
        }

        return copy;
    }

    private static async Task<JsonObject?> FetchAsync(IConfiguration configuration, string service)
    {
        try
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            using var response = await ServiceCalls.GetFromAnyReplicaAsync(GatewayServices.ServiceAddresses(configuration, service), "/openapi/v1.json", patience.Token);
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonObject>(patience.Token) : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// All services in one document. Paths never clash (each service owns its prefixes); a schema name two services use
    /// for different shapes is prefixed with its service's name. A service that does not answer is named in
    /// <c>x-missing-services</c> and the rest is served.
    /// </summary>
    private static async Task<JsonObject> MergedAsync(IConfiguration configuration, IReadOnlyList<string> services, string publicBase)
    {
        var documents = await Task.WhenAll(services.Select(async s => (Service: s, Document: await ServiceDocumentAsync(configuration, s, publicBase))));
        var paths = new JsonObject();
        var schemas = new JsonObject();
        var tags = new JsonArray();
        JsonNode? securitySchemes = null;
        var missing = new JsonArray();
        var owners = documents.Where(d => d.Document is not null)
            .SelectMany(d => (d.Document!["components"]?["schemas"]?.AsObject() ?? []).Select(s => (s.Key, Shape: s.Value!.ToJsonString(), d.Service)))
            .GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.Select(s => s.Shape).Distinct().Count() > 1);

        foreach (var (service, document) in documents)
        {
            if (document is null) { missing.Add(service); continue; }
            var text = document.ToJsonString();
            foreach (var (name, clashes) in owners.Where(o => o.Value))
            {
                text = text.Replace($"\"#/components/schemas/{name}\"", $"\"#/components/schemas/{Prefixed(service, name)}\"", StringComparison.Ordinal);
            }

            var renamed = JsonNode.Parse(text)!.AsObject();
            foreach (var (path, item) in renamed["paths"]!.AsObject())
            {
                foreach (var (_, operation) in item!.AsObject())
                {
                    if (operation is JsonObject op && op["tags"] is null) op["tags"] = new JsonArray(service);
                }

                paths[path] = item.DeepClone();
            }

            foreach (var (name, schema) in renamed["components"]?["schemas"]?.AsObject() ?? [])
            {
                schemas[owners[name] ? Prefixed(service, name) : name] = schema!.DeepClone();
            }

            foreach (var tag in renamed["tags"]?.AsArray() ?? []) tags.Add(tag!.DeepClone());
            securitySchemes ??= renamed["components"]?["securitySchemes"]?.DeepClone();
        }

        var merged = new JsonObject
        {
            ["openapi"] = documents.FirstOrDefault(d => d.Document is not null).Document?["openapi"]?.DeepClone() ?? "3.1.1",
            ["info"] = new JsonObject
            {
                ["title"] = "MenSI Platform API",
                ["version"] = "v1",
                ["description"] = Introduction.Value,
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = publicBase, ["description"] = "The MenSI gateway" }),
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas, ["securitySchemes"] = securitySchemes },
            ["tags"] = tags,
        };
        if (missing.Count > 0) merged["x-missing-services"] = missing;
        return merged;
    }

    /// <summary>
    /// The merged document's introduction, which the reference page opens with: docs/api-conventions.md (embedded) down
    /// to its per-service tables, which the operations themselves describe. Links into the repository become their text.
    /// </summary>
    private static readonly Lazy<string> Introduction = new(() =>
    {
        using var stream = typeof(ApiDocuments).Assembly.GetManifestResourceStream("api-conventions.md")!;
        var conventions = new StreamReader(stream).ReadToEnd();
        // From its first section (the title and the note to maintainers above it are the repository's) to the marker.
        var start = conventions.IndexOf("\n## ", StringComparison.Ordinal) + 1;
        var end = conventions.IndexOf("<!-- The gateway's /docs introduction ends here", StringComparison.Ordinal);
        var conventionsForClients = conventions[start..(end >= 0 ? end : conventions.Length)].TrimEnd();
        return "Every service behind the gateway in one document: first the conventions all of them share, then each operation. "
            + "The integration events are described in [/asyncapi.json](/asyncapi.json) (AsyncAPI 3.0).\n\n"
            + RepositoryLink().Replace(conventionsForClients, "$1");
    });

    [GeneratedRegex(@"\[([^\]]+)\]\((?!https?:|/)[^)]+\)")]
    private static partial Regex RepositoryLink();

    private static string Prefixed(string service, string name) => char.ToUpperInvariant(service[0]) + service[1..] + name;
}
