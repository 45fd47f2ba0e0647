using System.Text.Json;
using MenSI.ServiceDefaults.Messaging.Catalogue;

namespace MenSI.Gateway;

/// <summary>What developers build against, served where they already call: the event contracts (AsyncAPI 3.0).</summary>
public static class ApiDocuments
{
    private static readonly Lazy<string> AsyncApi = new(() => AsyncApiDocument.Build().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    public static WebApplication MapApiDocuments(this WebApplication app)
    {
        app.MapGet("/asyncapi.json", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=300";
            return Results.Text(AsyncApi.Value, "application/json");
        }).AllowAnonymous();
        return app;
    }
}
