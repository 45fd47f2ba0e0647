using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MenSI.ServiceDefaults.Messaging;

namespace MenSI.ServiceDefaults.Http;

/// <summary>
/// The stable <c>type</c> of each kind of RFC 9457 problem the platform returns. Clients branch on these,
/// so they never change; docs/api-conventions.md lists them.
/// </summary>
public static class ProblemTypes
{
    private const string Root = "urn:mensi:problem:";
    public const string Validation = Root + "validation";
    public const string MalformedRequest = Root + "malformed-request";
    public const string NotFound = Root + "not-found";
    public const string Conflict = Root + "conflict";
    public const string InvalidTransition = Root + "invalid-transition";
    public const string Duplicate = Root + "duplicate";
    public const string PreconditionFailed = Root + "precondition-failed";
    public const string PreconditionRequired = Root + "precondition-required";
    public const string IdempotencyKeyReused = Root + "idempotency-key-reused";
    public const string RequestInProgress = Root + "request-in-progress";
    public const string Unavailable = Root + "service-unavailable";
    public const string Unauthenticated = Root + "unauthenticated";
    public const string Forbidden = Root + "forbidden";
    public const string PayloadTooLarge = Root + "payload-too-large";
    public const string UnsupportedMediaType = Root + "unsupported-media-type";
    public const string TooManyRequests = Root + "too-many-requests";
    public const string Internal = Root + "internal";

    /// <summary>A domain rule the request would break, named in the type: <c>urn:mensi:problem:rule:max-mentees</c>.</summary>
    public static string Rule(string rule) => Root + "rule:" + rule;
}

/// <summary>
/// A domain rule a request would break: its stable kebab-case name (the problem type ends with it), what the client
/// can do about it, and the status: 409 when the state of things forbids it, 422 when the request names something
/// that cannot be used (an unknown school).
/// </summary>
public sealed record RuleViolation(string Rule, string Detail, int Status = StatusCodes.Status409Conflict);

/// <summary>Typed results for every error an endpoint returns, so services never hand-roll a problem body.</summary>
public static class Problems
{
    public static ValidationProblem Validation(IDictionary<string, string[]> errors, string? detail = null) =>
        TypedResults.ValidationProblem(errors, detail ?? "One or more fields are invalid.",
            title: "The request is invalid.", type: ProblemTypes.Validation);

    public static ProblemHttpResult NotFound(string what, object id) =>
        Problem(StatusCodes.Status404NotFound, ProblemTypes.NotFound, $"{what} not found.", $"There is no {what.ToLowerInvariant()} with id '{id}'.");

    public static ProblemHttpResult Conflict(string type, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        Problem(StatusCodes.Status409Conflict, type, title, detail, extensions);

    public static ProblemHttpResult PreconditionFailed(string currentETag) =>
        Problem(StatusCodes.Status412PreconditionFailed, ProblemTypes.PreconditionFailed, "The resource has changed.",
            "The If-Match header does not match the current version: read the resource again, reapply the change, and retry.",
            new Dictionary<string, object?> { ["currentETag"] = currentETag });

    public static ProblemHttpResult PreconditionRequired() =>
        Problem(StatusCodes.Status428PreconditionRequired, ProblemTypes.PreconditionRequired, "If-Match is required.",
            "Send the ETag of the version you read in an If-Match header, so that concurrent changes are not overwritten.");

    public static ProblemHttpResult Broken(RuleViolation violation) =>
        Problem(violation.Status, ProblemTypes.Rule(violation.Rule), "The request breaks a rule.", violation.Detail,
            new Dictionary<string, object?> { ["rule"] = violation.Rule });

    public static ProblemHttpResult Forbidden(string detail) =>
        Problem(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "Not allowed.", detail);

    /// <summary>How long a client waits before retrying a 503 (or a gateway's 504): the one figure every such answer gives.</summary>
    public const string RetryAfterSeconds = "5";

    /// <summary>A dependency is down or too slow: 503 (or 504) with <c>Retry-After</c>; nothing was changed.</summary>
    public static ProblemHttpResult Unavailable(HttpResponse response, string detail, int status = StatusCodes.Status503ServiceUnavailable)
    {
        response.Headers.RetryAfter = RetryAfterSeconds;
        return Problem(status, ProblemTypes.Unavailable, "Service unavailable.", detail);
    }

    public static ProblemHttpResult Problem(int status, string type, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: status, title: title, type: type, extensions: extensions);
}

internal static class ProblemSetup
{
    public static IServiceCollection AddApiProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            ctx.ProblemDetails.Instance ??= ctx.HttpContext.Request.Path;
            ctx.ProblemDetails.Extensions["traceId"] = Activity.Current?.Id ?? ctx.HttpContext.TraceIdentifier;
            // Empty error responses (404 from routing, 401/403 from authorization, 413 from Kestrel) arrive with the
            // framework's RFC link as their type; clients branch on ours.
            var platformType = ctx.ProblemDetails.Status switch
            {
                StatusCodes.Status404NotFound => ProblemTypes.NotFound,
                StatusCodes.Status400BadRequest => ProblemTypes.MalformedRequest,
                StatusCodes.Status401Unauthorized => ProblemTypes.Unauthenticated,
                StatusCodes.Status403Forbidden => ProblemTypes.Forbidden,
                StatusCodes.Status413PayloadTooLarge => ProblemTypes.PayloadTooLarge,
                StatusCodes.Status429TooManyRequests => ProblemTypes.TooManyRequests,
                _ => null,
            };
            if (platformType is not null && (ctx.ProblemDetails.Type is null || ctx.ProblemDetails.Type.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal)))
            {
                ctx.ProblemDetails.Type = platformType;
            }

            ctx.ProblemDetails.Detail ??= ctx.ProblemDetails.Status switch
            {
                StatusCodes.Status401Unauthorized => "Send a valid access token: Authorization: Bearer <token> (see /connect/token).",
                StatusCodes.Status403Forbidden => "Your role does not allow this request.",
                _ => null,
            };
        });
        // After the framework's writer: it declines when Accept names no JSON type (application/xml, text/plain), and
        // an error must still say what went wrong, in the one format the API has.
        services.AddSingleton<IProblemDetailsWriter, AnyAcceptProblemWriter>();
        services.AddExceptionHandler<ApiExceptionHandler>();
        // Binding failures (malformed JSON, a string where a number belongs, an unknown enum value) must reach the
        // exception handler as exceptions in every environment, so they become 400 problems with the field named.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }
}

internal sealed class AnyAcceptProblemWriter(Microsoft.Extensions.Options.IOptions<ProblemDetailsOptions> options) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        options.Value.CustomizeProblemDetails?.Invoke(context);
        context.ProblemDetails.Status ??= context.HttpContext.Response.StatusCode;
        return new ValueTask(context.HttpContext.Response.WriteAsJsonAsync(context.ProblemDetails, ServiceDefaultsExtensions.Json, "application/problem+json"));
    }
}

/// <summary>
/// The last line of defence: input errors become 400 problems naming the field; a lost optimistic-concurrency race
/// becomes 412; anything else becomes a 500 problem with a trace id and no stack trace or exception text.
/// </summary>
internal sealed partial class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, type, title, detail, errors) = Classify(exception);
        if (status >= 500)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
        }
        else
        {
            logger.LogInformation("Rejected {Method} {Path}: {Title}", context.Request.Method, context.Request.Path, title);
        }

        if (context.RequestAborted.IsCancellationRequested) return true;

        context.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable) context.Response.Headers.RetryAfter = Problems.RetryAfterSeconds;
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Type = type, Title = title, Detail = detail };
        if (errors is not null) problem.Extensions["errors"] = errors;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = null });
    }

    private static (int, string, string, string, Dictionary<string, string[]>?) Classify(Exception exception) => exception switch
    {
        BadHttpRequestException { InnerException: JsonException json } =>
            (400, ProblemTypes.Validation, "The request body is invalid.", "A field has a value of the wrong type, or the JSON is malformed.",
             new Dictionary<string, string[]> { [FieldOf(json.Path)] = [DescribeJsonError(json)] }),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            (413, ProblemTypes.PayloadTooLarge, "The request body is too large.", "The body is over this endpoint's limit.", null),
        BadHttpRequestException bad when DescribeBindingFailure(bad.Message) is var (detail, errors) =>
            (bad.StatusCode, errors is null ? ProblemTypes.MalformedRequest : ProblemTypes.Validation, "The request is malformed.", detail, errors),
        DbUpdateConcurrencyException =>
            (412, ProblemTypes.PreconditionFailed, "The resource has changed.", "Another change was saved first: read the resource again and retry.", null),
        InvalidDataException =>
            (400, ProblemTypes.MalformedRequest, "The request is malformed.", "The body could not be read as its content type says (or is over a form limit).", null),
        _ when TransientFailures.IsTransient(exception) =>
            (503, ProblemTypes.Unavailable, "The service is temporarily unavailable.",
             $"A service this request needs does not answer; nothing was changed. Retry after {Problems.RetryAfterSeconds} seconds.", null),
        _ => (500, ProblemTypes.Internal, "An unexpected error occurred.", "The error has been logged; quote the trace id when reporting it.", null),
    };

    /// <summary>System.Text.Json's paths look like <c>$.address.city</c>; clients see <c>address.city</c>.</summary>
    private static string FieldOf(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    private static string DescribeJsonError(JsonException json) =>
        json.Path is null or "$" && json.LineNumber is not null
            ? $"The JSON is malformed (line {json.LineNumber + 1}, position {json.BytePositionInLine})."
            : "The value is not of the expected type, or not one of the allowed values.";

    /// <summary>
    /// Binding messages name CLR types (<c>Failed to bind parameter "Nullable&lt;int&gt; page" from "x".</c>): clients get
    /// the parameter and what was wrong with it, in words of the API.
    /// </summary>
    private static (string Detail, Dictionary<string, string[]>? Errors) DescribeBindingFailure(string message)
    {
        if (BindFailure().Match(message) is { Success: true } bind)
        {
            return ("A parameter has a value of the wrong type.",
                new Dictionary<string, string[]> { [bind.Groups["name"].Value] = [$"'{bind.Groups["value"].Value}' is not a valid value."] });
        }

        if (RequiredMissing().Match(message) is { Success: true } missing)
        {
            return ("A required parameter is missing.", new Dictionary<string, string[]> { [missing.Groups["name"].Value] = ["Required."] });
        }

        return (message.Contains("JSON", StringComparison.OrdinalIgnoreCase) ? "The body must be a JSON object." : "The request does not match what this endpoint takes.", null);
    }

    [System.Text.RegularExpressions.GeneratedRegex("""^Failed to bind parameter "[^"]*?(?<name>\w+)" from "(?<value>.*)"\.?$""", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex BindFailure();

    [System.Text.RegularExpressions.GeneratedRegex("""^Required parameter "[^"]*?(?<name>\w+)" was not provided""")]
    private static partial System.Text.RegularExpressions.Regex RequiredMissing();
}
