using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace MenSI.ServiceDefaults.Security;

/// <summary>
/// Settings shared by the Identity service (which issues tokens) and everyone who validates them.
/// <c>Authentication:Issuer</c> is the public address tokens name (the gateway's, in the AppHost);
/// <c>Authentication:KeysUrl</c> is where validators fetch the signing keys, by default Identity's JWKS through
/// service discovery.
/// </summary>
public sealed class AuthenticationSettings
{
    public const string Section = "Authentication";
    /// <summary>The <c>aud</c> of every MenSI access token: the platform's API.</summary>
    public const string Audience = "mensi-api";

    public string Issuer { get; set; } = "http://localhost:5080/";
    public Uri KeysUrl { get; set; } = new("http://identity/.well-known/jwks");
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    public static AuthenticationSettings From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<AuthenticationSettings>() ?? new AuthenticationSettings();
}

public static class JwtAuthentication
{
    private const string KeysClient = "identity-keys";

    /// <summary>
    /// Validates MenSI access tokens (JWT, <c>typ: at+jwt</c>) on every request: signature against Identity's keys,
    /// issuer, audience and lifetime. Keys are fetched from the JWKS directly (not via the discovery document, whose
    /// addresses are the public ones) and re-fetched when a token names an unknown key.
    /// </summary>
    public static IHostApplicationBuilder AddJwtAuthentication(this IHostApplicationBuilder builder)
    {
        var settings = AuthenticationSettings.From(builder.Configuration);
        builder.Services.AddHttpClient(KeysClient);
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IHttpClientFactory>((options, http) =>
        {
            options.MapInboundClaims = false;
            options.RequireHttpsMetadata = settings.KeysUrl.Scheme == Uri.UriSchemeHttps;
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = settings.Issuer,
                ValidAudience = AuthenticationSettings.Audience,
                ValidTypes = ["at+jwt"],
                NameClaimType = MenSIClaims.Subject,
                RoleClaimType = MenSIClaims.Role,
                ClockSkew = settings.ClockSkew,
            };
            options.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                settings.KeysUrl.ToString(), new JwksRetriever(settings.Issuer),
                new HttpDocumentRetriever(http.CreateClient(KeysClient)) { RequireHttps = options.RequireHttpsMetadata });
        });
        return builder;
    }

    /// <summary>Reads a bare JWKS document into the configuration JwtBearer expects.</summary>
    private sealed class JwksRetriever(string issuer) : IConfigurationRetriever<OpenIdConnectConfiguration>
    {
        public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
        {
            var keys = new JsonWebKeySet(await retriever.GetDocumentAsync(address, cancel));
            var configuration = new OpenIdConnectConfiguration { Issuer = issuer, JwksUri = address, JsonWebKeySet = keys };
            foreach (var key in keys.GetSigningKeys()) configuration.SigningKeys.Add(key);
            return configuration;
        }
    }
}
