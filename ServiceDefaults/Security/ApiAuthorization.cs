using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MenSI.ServiceDefaults.Security;

public static class ApiAuthorization
{
    /// <summary>
    /// The platform's policies, and a fallback that requires a signed-in caller: an endpoint is open to anonymous
    /// callers only when it says so (<c>AllowAnonymous()</c>), so a forgotten declaration fails closed.
    /// </summary>
    public static IServiceCollection AddApiAuthorization(this IServiceCollection services)
    {
        services.AddAuthentication();
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.NetworkAdmin, p => p.RequireRole(Policies.RolesOf[Policies.NetworkAdmin]))
            .AddPolicy(Policies.Ministry, p => p.RequireRole(Policies.RolesOf[Policies.Ministry]))
            .AddPolicy(Policies.SchoolStaff, p => p.RequireRole(Policies.RolesOf[Policies.SchoolStaff]))
            .AddPolicy(Policies.CourseAuthors, p => p.RequireRole(Policies.RolesOf[Policies.CourseAuthors]))
            .AddPolicy(Policies.Member, p => p.RequireRole(Policies.RolesOf[Policies.Member]));
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, LoggingAuthorizationResultHandler>();
        services.AddScoped<ResourceAccess>();
        return services;
    }
}

/// <summary>
/// Logs every refusal of a route policy (caller, route, outcome) before ASP.NET Core answers 401 or 403; the status
/// code pages then give the empty answer its problem body.
/// </summary>
internal sealed partial class LoggingAuthorizationResultHandler(ILogger<LoggingAuthorizationResultHandler> logger) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Succeeded)
        {
            Refused(Caller.From(context.User), context.Request.Method, context.Request.Path.Value ?? "/",
                authorizeResult.Challenged ? "challenged (401)" : "forbidden (403)");
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Authorization {Outcome}: {Caller} {Method} {Path}")]
    private partial void Refused(Caller caller, string method, string path, string outcome);
}
