using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MenSI.ServiceDefaults.Http;

/// <summary>
/// Optimistic concurrency over HTTP: reads send <c>ETag: "&lt;version&gt;"</c>, writes send it back in <c>If-Match</c>.
/// The version is the entity's own counter, so the ETag survives restarts and replicas.
/// </summary>
public static class ETags
{
    public static string For(int version) => $"\"{version}\"";

    public static void Set(HttpResponse response, int version) => response.Headers.ETag = For(version);

    /// <summary>
    /// Checks <c>If-Match</c> against the current version: null when the write may go on, otherwise the problem
    /// to return (428 when the header is missing, 412 when it names another version).
    /// </summary>
    public static ProblemHttpResult? CheckIfMatch(HttpRequest request, int currentVersion)
    {
        var ifMatch = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(ifMatch)) return Problems.PreconditionRequired();
        if (ifMatch.Trim() == "*") return null;

        var current = For(currentVersion);
        var matches = ifMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Any(tag => tag == current || tag == "W/" + current);
        return matches ? null : Problems.PreconditionFailed(current);
    }
}
