using System.Security.Claims;
using System.Text.Encodings.Web;
using MenSI.Identity.Users;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MenSI.Identity.SignIn;

/// <summary>The browser session the authorization endpoint reads: a cookie holding only the user's id.</summary>
public static class SignInSession
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string Path = "/account/sign-in";
    public const string ReturnUrlParameter = "returnUrl";
}

public sealed class LockoutSettings
{
    public int MaxFailedAttempts { get; set; } = 5;
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(15);
}

public sealed class SignInForm
{
    public string? Email { get; set; }
    public string? Password { get; set; }
    public string? ReturnUrl { get; set; }
}

/// <summary>
/// A plain, accessible sign-in page: one form, labelled fields, errors announced to screen readers, no script.
/// Wrong email and wrong password get the same answer, so the page does not tell who has an account.
/// </summary>
public static partial class SignInPage
{
    public static void MapSignInPage(this IEndpointRouteBuilder app)
    {
        app.MapGet(SignInSession.Path, Show).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(SignInSession.Path, SignInAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/account/sign-out", (Delegate)SignOutAsync).AllowAnonymous().ExcludeFromDescription();
    }

    private static IResult Show(HttpContext context, IAntiforgery antiforgery, string? returnUrl) =>
        Page(context, antiforgery, returnUrl, email: null, error: null, StatusCodes.Status200OK);

    /// <summary>
    /// Every refusal looks the same from outside (status, words, and time: an unknown email is hashed against too),
    /// so the page tells nobody which accounts exist or are locked. The user's row is locked while the attempt is
    /// judged, so parallel guesses are each counted.
    /// </summary>
    private static async Task<IResult> SignInAsync(HttpContext context, [FromForm] SignInForm? form, IdentityDbContext db,
        IPasswordHasher<User> hasher, IAntiforgery antiforgery, IOptions<LockoutSettings> lockout, TimeProvider clock, ILogger<SignInForm> logger)
    {
        form ??= new SignInForm(); // a form with none of its fields binds to nothing: a refusal like any other
        var now = clock.GetUtcNow();
        var email = User.NormaliseEmail(form.Email ?? "");
        await using var transaction = await db.Database.BeginTransactionAsync();
        var user = email.Length == 0 ? null : await db.Users.FromSql($"SELECT * FROM users WHERE email = {email} FOR UPDATE").FirstOrDefaultAsync();
        var verified = hasher.VerifyHashedPassword(user ?? Unknown, user?.PasswordHash ?? UnknownHash, form.Password ?? "") != PasswordVerificationResult.Failed
                       && user is not null && !string.IsNullOrEmpty(form.Password);
        if (user is not null && user.IsLockedOut(now))
        {
            LogSignIn(logger, user.Id.ToString(), "refused: locked out");
            return Refused(context, antiforgery, form);
        }

        if (!verified)
        {
            if (user is not null)
            {
                user.SignInFailed(now, lockout.Value.MaxFailedAttempts, lockout.Value.Duration);
                await db.SaveChangesAsync();
                await transaction.CommitAsync();
            }

            LogSignIn(logger, user?.Id.ToString() ?? "unknown email", "refused: wrong credentials");
            return Refused(context, antiforgery, form);
        }

        user!.SignInSucceeded();
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        LogSignIn(logger, user.Id.ToString(), "succeeded");
        var session = new ClaimsIdentity([new Claim(Claims.Subject, user.Id.ToString())], SignInSession.Scheme, Claims.Subject, Claims.Role);
        await context.SignInAsync(SignInSession.Scheme, new ClaimsPrincipal(session));
        return Results.Redirect(IsLocal(form.ReturnUrl) ? form.ReturnUrl! : "/");
    }

    private static IResult Refused(HttpContext context, IAntiforgery antiforgery, SignInForm form) =>
        Page(context, antiforgery, form.ReturnUrl, form.Email,
            "The email or password is not correct, or the account is locked after too many failed sign-ins. Try again later, or ask a network admin.",
            StatusCodes.Status401Unauthorized);

    // What an unknown email is checked against: the same work as a real check, and never a match.
    private static readonly User Unknown = User.Create(new UserDetails("unknown", [], null, null), "unknown@invalid.example", DateTimeOffset.UnixEpoch);
    private static readonly string UnknownHash = new PasswordHasher<User>().HashPassword(Unknown, Guid.NewGuid().ToString());

    private static async Task<IResult> SignOutAsync(HttpContext context)
    {
        await context.SignOutAsync(SignInSession.Scheme);
        return Results.Redirect(SignInSession.Path);
    }

    /// <summary>
    /// Only paths on this site: an absolute or protocol-relative return address would make this an open redirect, and
    /// browsers drop tabs and line breaks from a URL (<c>/\t/evil.example</c> is <c>//evil.example</c>) while a line break
    /// in a header is an injection. So: a slash, then no second slash or backslash, and no control character or space.
    /// </summary>
    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && !url.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c == '\\')
        && (url.Length == 1 || url[1] != '/');

    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Sign-in {Outcome} for {Subject}")]
    private static partial void LogSignIn(ILogger logger, string subject, string outcome);

    private static IResult Page(HttpContext context, IAntiforgery antiforgery, string? returnUrl, string? email, string? error, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var html = HtmlEncoder.Default;
        var errorBlock = error is null ? "" : $"""<p id="error" role="alert" class="error">{html.Encode(error)}</p>""";
        var describedBy = error is null ? "" : """ aria-describedby="error" aria-invalid="true" """;
        // The page's own policy: inline styles only; everything else the API's policy forbids.
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";
        var body = $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>Sign in · MenSI</title>
              <style>
                body { font-family: system-ui, sans-serif; max-width: 26rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5; color: #1a1a1a; }
                label { display: block; margin-top: 1rem; font-weight: 600; }
                input { width: 100%; padding: .6rem; font-size: 1rem; border: 2px solid #555; border-radius: 4px; box-sizing: border-box; }
                input:focus, button:focus { outline: 3px solid #0b57d0; outline-offset: 2px; }
                button { margin-top: 1.5rem; padding: .7rem 1.4rem; font-size: 1rem; background: #0b57d0; color: #fff; border: 0; border-radius: 4px; }
                .error { color: #a50e0e; font-weight: 600; }
              </style>
            </head>
            <body>
              <main>
                <h1>Sign in to MenSI</h1>
                {{errorBlock}}
                <form method="post" action="{{html.Encode(SignInSession.Path)}}">
                  <input type="hidden" name="{{html.Encode(tokens.FormFieldName)}}" value="{{html.Encode(tokens.RequestToken ?? "")}}">
                  <input type="hidden" name="returnUrl" value="{{html.Encode(returnUrl ?? "")}}">
                  <label for="email">Email</label>
                  <input id="email" name="email" type="email" autocomplete="username" required value="{{html.Encode(email ?? "")}}"{{describedBy}}>
                  <label for="password">Password</label>
                  <input id="password" name="password" type="password" autocomplete="current-password" required{{describedBy}}>
                  <button type="submit">Sign in</button>
                </form>
              </main>
            </body>
            </html>
            """;
        return Results.Content(body, "text/html; charset=utf-8", statusCode: status);
    }
}
