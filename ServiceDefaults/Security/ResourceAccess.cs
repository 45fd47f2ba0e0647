using MenSI.ServiceDefaults.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;

namespace MenSI.ServiceDefaults.Security;

/// <summary>
/// Resource-level decisions (whose country, whose school), each logged with the caller's opaque id, the action, the
/// resource and the outcome: operators can answer "who changed what, and who was refused" without personal data.
/// </summary>
public sealed partial class ResourceAccess(ILogger<ResourceAccess> logger)
{
    /// <summary>Null when <paramref name="allowed"/>; otherwise the 403 problem to return, nothing having been changed.</summary>
    public ProblemHttpResult? Check(Caller caller, bool allowed, string action, string resource)
    {
        Decided(caller, action, resource, allowed ? "allowed" : "denied");
        return allowed ? null : Problems.Forbidden($"You may not {action} {resource}.");
    }

    [LoggerMessage(EventId = 4030, Level = LogLevel.Information, Message = "Authorization {Outcome}: {Caller} {Action} {Resource}")]
    private partial void Decided(Caller caller, string action, string resource, string outcome);
}
