using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace MenSI.Testing;

/// <summary>What every error response must be (docs/api-conventions.md): an RFC 9457 problem of the expected type, no stack trace.</summary>
public static class ProblemAssert
{
    public static async Task<JsonElement> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(type, problem.GetProperty("type").GetString());
        Assert.False(problem.TryGetProperty("exception", out _));
        Assert.DoesNotContain("   at ", problem.GetRawText(), StringComparison.Ordinal); // no stack trace
        return problem;
    }

    /// <summary>A broken business rule: <c>urn:mensi:problem:rule:&lt;rule&gt;</c>.</summary>
    public static Task<JsonElement> IsRuleAsync(HttpResponseMessage response, HttpStatusCode status, string rule) =>
        IsProblemAsync(response, status, "urn:mensi:problem:rule:" + rule);

    /// <summary>A validation problem (400) naming exactly these fields.</summary>
    public static async Task IsValidationAsync(HttpResponseMessage response, params string[] fields)
    {
        var problem = await IsProblemAsync(response, HttpStatusCode.BadRequest, "urn:mensi:problem:validation");
        Assert.Equal(fields.Order(StringComparer.Ordinal), FieldErrors(problem).Order(StringComparer.Ordinal));
    }

    /// <summary>The names of the fields a validation problem reports.</summary>
    public static string[] FieldErrors(JsonElement problem) =>
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToArray();
}
