using System.Security.Claims;
using MenSI.Identity.Clients;
using MenSI.Identity.SignIn;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MenSI.Identity.Protocol;

/// <summary>
/// The two OpenID Connect endpoints OpenIddict hands to us after validating the request (passthrough): who the
/// user or client is, and what its tokens say. Discovery, JWKS and the protocol checks are OpenIddict's.
/// </summary>
public static class ProtocolEndpoints
{
    public const string Authorize = "/connect/authorize";
    public const string Token = "/connect/token";

    public static void MapProtocolEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapMethods(Authorize, [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(Token, IssueTokenAsync).AllowAnonymous().ExcludeFromDescription().DisableAntiforgery();
    }

    /// <summary>Authorization code flow: signed in (cookie) → a code for the front-end; otherwise → the sign-in page.</summary>
    private static async Task<IResult> AuthorizeAsync(HttpContext context, IdentityDbContext db, TimeProvider clock)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var session = await context.AuthenticateAsync(SignInSession.Scheme);
        var user = session.Succeeded && Guid.TryParse(session.Principal.FindFirstValue(Claims.Subject), out var id)
            ? await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id)
            : null;

        if (user is null || user.IsLockedOut(clock.GetUtcNow()) || request.HasPromptValue(PromptValues.Login))
        {
            if (request.HasPromptValue(PromptValues.None)) return Forbid(Errors.LoginRequired, "The user is not signed in.");
            // The way back leaves prompt=login out: it asked for this sign-in, and asking again after it would loop.
            var parameters = context.Request.HasFormContentType
                ? context.Request.Form.Select(f => KeyValuePair.Create(f.Key, f.Value))
                : context.Request.Query.Select(q => KeyValuePair.Create(q.Key, q.Value));
            var query = QueryString.Create(parameters.Where(p => p.Key != Parameters.Prompt));
            return Results.Challenge(new AuthenticationProperties { RedirectUri = context.Request.PathBase + context.Request.Path + query },
                [SignInSession.Scheme]);
        }

        // First-party front-ends only: consent is implied, so no consent screen.
        return Results.SignIn(Principals.ForUser(user, request.GetScopes()), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> IssueTokenAsync(HttpContext context, IdentityDbContext db, IOpenIddictApplicationManager applications, TimeProvider clock)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");

        if (request.IsClientCredentialsGrantType())
        {
            var application = await applications.FindByClientIdAsync(request.ClientId!);
            if (application is null) return Forbid(Errors.InvalidClient, "Unknown client.");
            var (role, country) = await applications.MachineScopeAsync(application, context.RequestAborted);
            if (role is null || country is null) return Forbid(Errors.UnauthorizedClient, "This client is not a machine client.");
            var name = await applications.GetDisplayNameAsync(application);
            return Results.SignIn(Principals.ForMachineClient(request.ClientId!, name, role, country, request.GetScopes()),
                authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            // Re-read the user: a refresh picks up changed roles, and an erased or locked user gets no new token.
            var previous = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var user = Guid.TryParse(previous.Principal?.FindFirstValue(Claims.Subject), out var id)
                ? await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id)
                : null;
            if (user is null || user.IsLockedOut(clock.GetUtcNow())) return Forbid(Errors.InvalidGrant, "The user no longer exists or is locked.");
            return Results.SignIn(Principals.ForUser(user, previous.Principal!.GetScopes()), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        return Forbid(Errors.UnsupportedGrantType, "This grant type is not supported.");
    }

    private static IResult Forbid(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
