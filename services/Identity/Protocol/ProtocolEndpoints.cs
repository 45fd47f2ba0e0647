using System.Security.Claims;
using MenSI.Identity.Clients;
using MenSI.Identity.SignIn;
using MenSI.ServiceDefaults.Security;
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
    public const string UserInfo = "/connect/userinfo";
    public const string EndSession = "/connect/endsession";
    /// <summary>OpenIddict answers revocation itself: a revoked refresh token can no longer be redeemed.</summary>
    public const string Revocation = "/connect/revoke";

    public static void MapProtocolEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapMethods(Authorize, [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(Token, IssueTokenAsync).AllowAnonymous().ExcludeFromDescription().DisableAntiforgery();
        app.MapMethods(UserInfo, [HttpMethods.Get, HttpMethods.Post], UserInfoAsync).AllowAnonymous().ExcludeFromDescription().DisableAntiforgery();
        app.MapMethods(EndSession, [HttpMethods.Get, HttpMethods.Post], (Delegate)EndSessionAsync).AllowAnonymous().ExcludeFromDescription().DisableAntiforgery();
    }

    /// <summary>
    /// OpenID Connect userinfo: the access token's subject, described from Identity's current record and within the
    /// token's scopes (the name with <c>profile</c>, the email with <c>email</c>).
    /// </summary>
    private static async Task<IResult> UserInfoAsync(HttpContext context, IdentityDbContext db)
    {
        var token = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var principal = token.Principal ?? throw new InvalidOperationException("OpenIddict validated the token before passing the request through.");
        var subject = principal.FindFirstValue(Claims.Subject)!;
        var claims = new Dictionary<string, object?>(StringComparer.Ordinal) { [Claims.Subject] = subject };
        if (Guid.TryParse(subject, out var id))
        {
            var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id);
            if (user is null) return Challenge(Errors.InvalidToken, "The user no longer exists.");
            if (principal.HasScope(Scopes.Profile)) claims[Claims.Name] = user.DisplayName;
            if (principal.HasScope(Scopes.Email)) claims[Claims.Email] = user.Email;
            claims[Claims.Role] = user.Roles;
            claims[MenSIClaims.Country] = user.Country;
            claims[MenSIClaims.SchoolId] = user.SchoolId;
        }
        else
        {
            claims[Claims.Name] = principal.FindFirstValue(Claims.Name);
            claims[Claims.Role] = principal.GetClaims(Claims.Role);
            claims[MenSIClaims.Country] = principal.FindFirstValue(MenSIClaims.Country);
        }

        return Results.Ok(claims.Where(c => c.Value is not null).ToDictionary());
    }

    /// <summary>
    /// Sign-out: ends the sign-in session (its cookie), then OpenIddict sends the browser to the front-end's registered
    /// <c>post_logout_redirect_uri</c>, or answers with a plain page when none was given.
    /// </summary>
    private static async Task<IResult> EndSessionAsync(HttpContext context)
    {
        await context.SignOutAsync(SignInSession.Scheme);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
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

    private static IResult Challenge(string error, string description) =>
        Results.Challenge(ErrorProperties(error, description), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    private static IResult Forbid(string error, string description) =>
        Results.Forbid(ErrorProperties(error, description), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    private static AuthenticationProperties ErrorProperties(string error, string description) => new(new Dictionary<string, string?>
    {
        [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
    });
}
