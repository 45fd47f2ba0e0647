using System.Security.Claims;
using MenSI.Identity.Clients;
using MenSI.Identity.Users;
using MenSI.ServiceDefaults.Security;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MenSI.Identity.Protocol;

/// <summary>
/// The claims a token carries. Access tokens: <c>sub</c> (an opaque id), <c>role</c>, and <c>country</c> or
/// <c>school_id</c> where the role has one: no name, no email (services do not need personal data). The identity
/// token adds the name and email when the front-end asked for them.
/// </summary>
public static class Principals
{
    public static ClaimsPrincipal ForUser(User user, IEnumerable<string> scopes)
    {
        var identity = NewIdentity();
        identity.SetClaim(Claims.Subject, user.Id.ToString())
            .SetClaim(Claims.Name, user.DisplayName)
            .SetClaim(Claims.Email, user.Email)
            .SetClaims(Claims.Role, [.. user.Roles])
            .SetClaim(MenSIClaims.Country, user.Country)
            .SetClaim(MenSIClaims.SchoolId, user.SchoolId?.ToString());
        return Finish(identity, scopes);
    }

    public static ClaimsPrincipal ForMachineClient(string clientId, string? displayName, string role, string country, IEnumerable<string> scopes)
    {
        var identity = NewIdentity();
        identity.SetClaim(Claims.Subject, clientId)
            .SetClaim(Claims.Name, displayName)
            .SetClaims(Claims.Role, [role])
            .SetClaim(MenSIClaims.Country, country);
        return Finish(identity, scopes);
    }

    private static ClaimsIdentity NewIdentity() =>
        new(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);

    private static ClaimsPrincipal Finish(ClaimsIdentity identity, IEnumerable<string> scopes)
    {
        var granted = scopes.ToList();
        identity.SetScopes(granted);
        identity.SetResources(AuthenticationSettings.Audience);
        identity.SetDestinations(claim => DestinationsOf(claim, granted));
        return new ClaimsPrincipal(identity);
    }

    private static IEnumerable<string> DestinationsOf(Claim claim, List<string> scopes) => claim.Type switch
    {
        Claims.Name when scopes.Contains(Scopes.Profile) => [Destinations.IdentityToken],
        Claims.Email when scopes.Contains(Scopes.Email) => [Destinations.IdentityToken],
        Claims.Name or Claims.Email => [],
        _ => [Destinations.AccessToken, Destinations.IdentityToken],
    };
}
