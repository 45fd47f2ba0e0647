using System.Net.Http.Json;
using System.Text.Json;

namespace MenSI.Testing;

/// <summary>Requests with a JSON body and, for writes that need one, an <c>If-Match</c> (<c>*</c> matches any version).</summary>
public static class JsonRequests
{
    public static HttpRequestMessage Create(HttpMethod method, string path, object? body, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return request;
    }

    /// <summary>Sends <see cref="Create"/>'s request and disposes it.</summary>
    public static async Task<HttpResponseMessage> SendJsonAsync(this HttpClient client, HttpMethod method, string path, object? body, string? ifMatch = null)
    {
        using var request = Create(method, path, body, ifMatch);
        return await client.SendAsync(request);
    }

    /// <summary>The response's JSON (default for an empty body), or an exception that quotes the status and the problem.</summary>
    public static async Task<JsonElement> OkAsync(this Task<HttpResponseMessage> call)
    {
        using var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Expected success, got {(int)response.StatusCode}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    public static Guid Id(this JsonElement element) => element.GetProperty("id").GetGuid();
}
