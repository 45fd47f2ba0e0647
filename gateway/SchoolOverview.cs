using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Security;

namespace MenSI.Gateway;

/// <summary>A part of an overview that could not be had, and why: <c>unavailable</c>, <c>timeout</c> or the service's status.</summary>
public sealed record MissingPart(string Part, string Service, string Reason);

/// <summary>
/// <c>GET /api/v1/overview/schools/{id}</c>: one call for a front-end's school page, composed at the gateway from the
/// services that own each part, each asked with the caller's own token (each service still decides what the caller
/// may see) and each with its own timeout. A part that fails is null and named in <c>missing</c>; the answer is still
/// 200 with the rest. Only a school the Registry says does not exist is a 404.
/// </summary>
public static class SchoolOverview
{
    private sealed record Part(string Name, string Service, Func<Guid, string> Path, Func<JsonNode, Guid, JsonNode?>? Shape = null);

    private static readonly Part[] Parts =
    [
        new("profile", "registry", id => $"/api/v1/schools/{id}"),
        new("clusters", "clusters", id => $"/api/v1/clusters?schoolId={id}&pageSize={PageQuery.MaxPageSize}", ClustersWithRole),
        new("learning", "courses", id => $"/api/v1/courses/schools/{id}/learning"),
        new("community", "community", id => $"/api/v1/community/schools/{id}/activity"),
    ];

    public static WebApplication MapSchoolOverview(this WebApplication app)
    {
        var timeout = app.Configuration.GetValue("Gateway:Overview:PartTimeout", TimeSpan.FromSeconds(5));
        app.MapGet("/api/v1/overview/schools/{id:guid}", async (Guid id, HttpContext context) =>
        {
            var answers = await Task.WhenAll(Parts.Select(part => FetchAsync(part, id, context, app.Configuration, timeout)));
            if (answers.Any(a => a.Missing is { Part: "profile", Reason: "404" })) return Problems.NotFound("School", id);

            var overview = new JsonObject { ["schoolId"] = id.ToString() };
            foreach (var (part, value, _) in answers) overview[part.Name] = value;
            overview["missing"] = new JsonArray([.. answers.Where(a => a.Missing is not null).Select(a => (JsonNode)new JsonObject
            {
                ["part"] = a.Missing!.Part, ["service"] = a.Missing.Service, ["reason"] = a.Missing.Reason,
            })]);
            return Results.Json(overview);
        }).RequireAuthorization(Policies.Member).WithName("GetSchoolOverview");
        return app;
    }

    private static async Task<(Part Part, JsonNode? Value, MissingPart? Missing)> FetchAsync(Part part, Guid id, HttpContext context,
        IConfiguration configuration, TimeSpan timeout)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(timeout);
        var clock = Stopwatch.StartNew();
        try
        {
            var bearer = AuthenticationHeaderValue.TryParse(context.Request.Headers.Authorization, out var parsed) ? parsed : null;
            using var response = await ServiceCalls.GetFromAnyReplicaAsync(GatewayServices.ServiceAddresses(configuration, part.Service), part.Path(id), deadline.Token, bearer);
            if (!response.IsSuccessStatusCode)
            {
                var reason = response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway ? "unavailable" : ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return (part, null, new MissingPart(part.Name, part.Service, reason));
            }

            var body = await response.Content.ReadFromJsonAsync<JsonNode>(deadline.Token);
            return (part, body is null ? null : part.Shape?.Invoke(body, id) ?? body, null);
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            return (part, null, new MissingPart(part.Name, part.Service, $"timeout after {clock.ElapsedMilliseconds} ms"));
        }
        catch (HttpRequestException)
        {
            return (part, null, new MissingPart(part.Name, part.Service, "unavailable"));
        }
    }

    /// <summary>The clusters the school is in, each with the school's role and whether it still belongs.</summary>
    private static JsonNode ClustersWithRole(JsonNode page, Guid id) => new JsonArray([.. page["items"]!.AsArray().Select(cluster =>
    {
        var member = cluster!["members"]!.AsArray().FirstOrDefault(m => m!["schoolId"]!.GetValue<Guid>() == id);
        return (JsonNode)new JsonObject
        {
            ["id"] = cluster["id"]!.DeepClone(),
            ["name"] = cluster["name"]!.DeepClone(),
            ["country"] = cluster["country"]!.DeepClone(),
            ["approach"] = cluster["approach"]!.DeepClone(),
            ["status"] = cluster["status"]!.DeepClone(),
            ["role"] = member?["role"]?.DeepClone() ?? (cluster["mentorSchoolId"]!.GetValue<Guid>() == id ? "mentor" : null),
            ["left"] = member?["leftAt"] is { } left && left.GetValueKind() != System.Text.Json.JsonValueKind.Null,
        };
    })]);
}
