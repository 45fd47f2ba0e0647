using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.OpenApi;

namespace MenSI.ServiceDefaults.Http;

/// <summary>
/// Every service's OpenAPI document, described the one way: the OAuth2 scheme Identity serves (authorization code with
/// PKCE for people, client credentials for ministry systems), a security requirement on every operation that needs a
/// caller, and the RFC 9457 problem responses each operation can give with the problem <c>type</c>s behind each status.
/// An operation without <c>WithSummary</c> is summarised by its hand-chosen name (<c>FormCluster</c>: "Form cluster");
/// query parameters are named as clients write them (camelCase) and described (<see cref="ParameterDescriptions"/>).
/// The gateway serves the documents, merged, with a reference page (<c>/docs</c>).
/// </summary>
public static partial class ApiDescription
{
    public const string SecurityScheme = "oauth2";
    public const string ProblemJson = "application/problem+json";

    public static IHostApplicationBuilder AddApiDescription(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[SecurityScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.OAuth2,
                    Description = "Tokens from Identity, through the gateway. People sign in with the authorization code flow and PKCE; ministry systems use client credentials.",
                    Flows = new OpenApiOAuthFlows
                    {
                        AuthorizationCode = new OpenApiOAuthFlow
                        {
                            AuthorizationUrl = new Uri("/connect/authorize", UriKind.Relative),
                            TokenUrl = new Uri("/connect/token", UriKind.Relative),
                            RefreshUrl = new Uri("/connect/token", UriKind.Relative),
                            Scopes = new Dictionary<string, string> { ["openid"] = "who you are", ["profile"] = "your name and roles", ["offline_access"] = "refresh tokens", ["mensi-api"] = "the platform's API" },
                        },
                        ClientCredentials = new OpenApiOAuthFlow
                        {
                            TokenUrl = new Uri("/connect/token", UriKind.Relative),
                            Scopes = new Dictionary<string, string> { ["mensi-api"] = "the platform's API" },
                        },
                    },
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                var name = metadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName;
                if (string.IsNullOrEmpty(operation.Summary) && name is not null) operation.Summary = Humanize(name);

                var method = context.Description.HttpMethod ?? "GET";
                var path = context.Description.RelativePath ?? "";
                var described = metadata.OfType<ParameterDocs>().SelectMany(d => d).ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal);
                foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
                {
                    // A query record's property as clients write it ("PageSize" → "pageSize"; query names bind in any case).
                    if (parameter.In == ParameterLocation.Query) parameter.Name = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(parameter.Name!);
                    parameter.Description ??= described.GetValueOrDefault(parameter.Name!) ?? ParameterDescriptions.For(parameter.Name!, parameter.In, path);
                }

                var needsCaller = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
                var problems = new List<(string Status, string Description, string[] Types)>();
                var takesInput = operation.Parameters is { Count: > 0 } || operation.RequestBody is not null;
                if (takesInput) problems.Add(("400", "The request is malformed or a field is invalid: `errors` names each field.", [ProblemTypes.Validation, ProblemTypes.MalformedRequest]));
                if (needsCaller)
                {
                    operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecurityScheme, context.Document)] = ["mensi-api"] }];
                    problems.Add(("401", "No valid access token.", [ProblemTypes.Unauthenticated]));
                    problems.Add(("403", "The caller's roles, country or school do not allow this.", [ProblemTypes.Forbidden]));
                }

                if (path.Contains('{', StringComparison.Ordinal)) problems.Add(("404", "Nothing with that id (or nothing the caller may see).", [ProblemTypes.NotFound]));
                if (method is "POST" or "PUT" or "PATCH" or "DELETE")
                {
                    problems.Add(("409", "A rule of the domain refuses the change (`urn:mensi:problem:rule:*` names the rule), or it conflicts with what exists.",
                        [ProblemTypes.Conflict, ProblemTypes.InvalidTransition, ProblemTypes.Duplicate, ProblemTypes.RequestInProgress, ProblemTypes.Rule("*")]));
                    problems.Add(("412", "`If-Match` names a version that is no longer current.", [ProblemTypes.PreconditionFailed]));
                    problems.Add(("422", "An `Idempotency-Key` was reused for a different request, or the request names something that cannot be used.",
                        [ProblemTypes.IdempotencyKeyReused, ProblemTypes.Rule("*")]));
                }

                problems.Add(("429", "Too many requests from this caller: wait `Retry-After` seconds.", [ProblemTypes.TooManyRequests]));
                problems.Add(("503", "A dependency is down: retry after `Retry-After` seconds. Nothing was changed.", [ProblemTypes.Unavailable]));

                operation.Responses ??= new OpenApiResponses();
                foreach (var (status, description, types) in problems)
                {
                    var text = $"{description} Problem types: {string.Join(", ", types.Select(t => $"`{t}`"))}.";
                    // An endpoint's own declaration (ProducesValidationProblem, Produces(409)) keeps its schema and gains the types.
                    if (operation.Responses.TryGetValue(status, out var declared) && declared is OpenApiResponse own)
                    {
                        own.Description = text;
                        own.Content ??= new Dictionary<string, OpenApiMediaType>();
                        if (!own.Content.ContainsKey(ProblemJson)) own.Content[ProblemJson] = new() { Schema = new OpenApiSchemaReference(nameof(ProblemDetailsSchema), context.Document) };
                        continue;
                    }

                    operation.Responses[status] = new OpenApiResponse
                    {
                        Description = text,
                        Content = new Dictionary<string, OpenApiMediaType> { [ProblemJson] = new() { Schema = new OpenApiSchemaReference(nameof(ProblemDetailsSchema), context.Document) } },
                    };
                }

                return Task.CompletedTask;
            });
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Components!.Schemas ??= new Dictionary<string, IOpenApiSchema>();
                document.Components.Schemas[nameof(ProblemDetailsSchema)] = ProblemDetailsSchema();
                return Task.CompletedTask;
            });
        });
        return builder;
    }

    public static WebApplication MapApiDescription(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        return app;
    }

    /// <summary>RFC 9457, with the platform's <c>errors</c> (field → messages) on validation problems.</summary>
    private static OpenApiSchema ProblemDetailsSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "RFC 9457 problem details. `type` is a stable URN (urn:mensi:problem:...) to branch on.",
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
        },
        Required = new HashSet<string> { "type", "title", "status" },
    };

    /// <summary>"FormCluster" → "Form cluster".</summary>
    public static string Humanize(string name)
    {
        var words = WordBoundary().Replace(name, " ").ToLowerInvariant();
        return char.ToUpperInvariant(words[0]) + words[1..];
    }

    [GeneratedRegex("(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")] private static partial Regex WordBoundary();
}
