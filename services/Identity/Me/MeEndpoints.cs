using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MenSI.Identity.Me;

/// <summary>
/// Who the caller is, for a front-end deciding what to show: a person's roles, country and school as Identity holds
/// them now (a role granted after the token was issued shows here before the next refresh), or a machine client's.
/// </summary>
/// <param name="Subject">The token's <c>sub</c>: a user's id, or a machine client's id.</param>
/// <param name="Kind"><c>user</c> or <c>client</c>.</param>
/// <param name="School">The Registry's school, as a link: <c>/api/v1/schools/{schoolId}</c>.</param>
public sealed record MeResponse(string Subject, string Kind, string? DisplayName, string? Email, IReadOnlyList<string> Roles, string? Country,
    Guid? SchoolId, string? School);

public static class MeEndpoints
{
    public const string Route = "/api/v1/me";

    public static void MapMeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(Route, GetMe).WithTags("Me").WithName("GetMe")
            .WithSummary("Who am I: the signed-in caller's roles, country and school")
            .RequireAuthorization(Policies.Member);
    }

    internal static async Task<Results<Ok<MeResponse>, NotFound>> GetMe(HttpContext context, IdentityDbContext db, CancellationToken cancellationToken)
    {
        var caller = Caller.From(context.User);
        if (caller.UserId is not { } id)
        {
            // A machine client: what its token says is all there is.
            return TypedResults.Ok(new MeResponse(caller.Subject!, "client", context.User.FindFirst(Claims.Name)?.Value, null,
                [.. caller.Roles.Order(StringComparer.Ordinal)], caller.Country, null, null));
        }

        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        // Erased since the token was issued: there is no one to describe.
        if (user is null) return TypedResults.NotFound();
        return TypedResults.Ok(new MeResponse(user.Id.ToString(), "user", user.DisplayName, user.Email, user.Roles, user.Country, user.SchoolId,
            user.SchoolId is { } school ? $"/api/v1/schools/{school}" : null));
    }
}
