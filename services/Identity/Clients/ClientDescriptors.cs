using System.Text.Json;
using MenSI.ServiceDefaults.Security;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MenSI.Identity.Clients;

/// <summary>The two kinds of OpenIddict application the platform has, built in one place for the API and the seeding.</summary>
public static class ClientDescriptors
{
    /// <summary>The scope front-ends and machine clients ask for; every access token names the API as its audience anyway.</summary>
    public const string ApiScope = "mensi-api";
    public const string RoleProperty = "mensi_role";
    public const string CountryProperty = "mensi_country";

    /// <summary>A ministry system: client credentials only, acting as a ministry officer of one country.</summary>
    public static OpenIddictApplicationDescriptor MachineClient(string clientId, string displayName, string country, string secret)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            DisplayName = displayName,
            ClientType = ClientTypes.Confidential,
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials, Permissions.Prefixes.Scope + ApiScope },
        };
        descriptor.Properties[RoleProperty] = JsonSerializer.SerializeToElement(Roles.MinistryOfficer);
        descriptor.Properties[CountryProperty] = JsonSerializer.SerializeToElement(country);
        return descriptor;
    }

    /// <summary>
    /// A browser front-end: a public client, authorization code with PKCE (required), refresh tokens it can revoke, and
    /// sign-out (end session) back to one of its own addresses.
    /// </summary>
    public static OpenIddictApplicationDescriptor FrontEnd(string clientId, string displayName, IEnumerable<Uri> redirectUris, IEnumerable<Uri> postLogoutRedirectUris)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            DisplayName = displayName,
            ClientType = ClientTypes.Public,
            ApplicationType = ApplicationTypes.Web,
            Permissions =
            {
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.EndSession, Permissions.Endpoints.Revocation,
                Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile, Permissions.Scopes.Email, Permissions.Prefixes.Scope + ApiScope,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var uri in redirectUris) descriptor.RedirectUris.Add(uri);
        foreach (var uri in postLogoutRedirectUris) descriptor.PostLogoutRedirectUris.Add(uri);
        return descriptor;
    }

    public static async ValueTask<(string? Role, string? Country)> MachineScopeAsync(this IOpenIddictApplicationManager manager, object application,
        CancellationToken cancellationToken)
    {
        var properties = await manager.GetPropertiesAsync(application, cancellationToken);
        return (Read(RoleProperty), Read(CountryProperty));

        string? Read(string key) => properties.TryGetValue(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
