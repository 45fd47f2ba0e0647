using MenSI.Identity.Clients;
using MenSI.Identity.Keys;
using MenSI.Identity.Me;
using MenSI.Identity.Protocol;
using MenSI.Identity.SignIn;
using MenSI.Identity.Users;
using MenSI.ServiceDefaults.Data;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Validation.AspNetCore;
using StackExchange.Redis;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MenSI.Identity;

public static class IdentityServices
{
    /// <summary>The Redis key of the data-protection key ring (sign-in cookies, anti-forgery tokens).</summary>
    public const string DataProtectionKeys = "mensi:identity:data-protection-keys";

    /// <summary>
    /// The OpenID Connect provider: OpenIddict over EF Core stores, authorization code + PKCE for front-ends, client
    /// credentials for ministry systems, refresh tokens; JWT access tokens (signed, not encrypted, so every service
    /// can validate them against the JWKS). Identity's own admin API validates tokens through the local server.
    /// </summary>
    public static IHostApplicationBuilder AddIdentityServices(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.AddServiceDatabase<IdentityDbContext>("identity-db");
        builder.AddRedis("redis"); // Idempotency-Key replays
        builder.AddApiDescription();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IPasswordHasher<Users.User>, PasswordHasher<Users.User>>();
        builder.Services.Configure<LockoutSettings>(configuration.GetSection("Identity:Lockout"));

        var keys = configuration.GetSection("Identity:Keys").Get<TokenKeys>() ?? new TokenKeys();
        var (signingKey, encryptionKey) = keys.Load(builder.Environment);
        // Sign-in cookies and anti-forgery tokens are protected with keys every replica shares and restarts keep: in Redis,
        // where each replica finds the keys the others made (a folder would be each pod's own in a cluster).
        builder.Services.AddDataProtection().SetApplicationName("mensi-identity");
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IConnectionMultiplexer>((options, redis) =>
            options.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), DataProtectionKeys));

        builder.Services.AddAuthentication(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
            .AddCookie(SignInSession.Scheme, o =>
            {
                o.LoginPath = SignInSession.Path;
                o.ReturnUrlParameter = SignInSession.ReturnUrlParameter;
                o.Cookie.Name = "mensi.session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
            });
        builder.Services.AddAntiforgery(o => o.Cookie.Name = "mensi.antiforgery");

        var issuer = new Uri(AuthenticationSettings.From(configuration).Issuer);
        builder.Services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<IdentityDbContext>())
            .AddServer(o =>
            {
                o.SetIssuer(issuer);
                o.SetAuthorizationEndpointUris(ProtocolEndpoints.Authorize.TrimStart('/'))
                    .SetTokenEndpointUris(ProtocolEndpoints.Token.TrimStart('/'))
                    .SetUserInfoEndpointUris(ProtocolEndpoints.UserInfo.TrimStart('/'))
                    .SetEndSessionEndpointUris(ProtocolEndpoints.EndSession.TrimStart('/'))
                    .SetRevocationEndpointUris(ProtocolEndpoints.Revocation.TrimStart('/'));
                // PKCE with S256 only: "plain" sends the verifier's equal down the front channel, where it can be read.
                o.Configure(options => options.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));
                o.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange()
                    .AllowClientCredentialsFlow()
                    .AllowRefreshTokenFlow();
                o.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.OfflineAccess, ClientDescriptors.ApiScope);
                o.SetAccessTokenLifetime(configuration.GetValue("Identity:AccessTokenLifetime", TimeSpan.FromMinutes(15)));
                o.SetRefreshTokenLifetime(configuration.GetValue("Identity:RefreshTokenLifetime", TimeSpan.FromDays(14)));
                o.AddSigningKey(signingKey).AddEncryptionKey(encryptionKey);
                o.DisableAccessTokenEncryption();
                var aspNetCore = o.UseAspNetCore().EnableAuthorizationEndpointPassthrough().EnableTokenEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough().EnableEndSessionEndpointPassthrough();
                // The AppHost runs everything over plain HTTP on 127.0.0.1; anywhere else, OpenIddict insists on HTTPS.
                if (builder.Environment.IsDevelopment()) aspNetCore.DisableTransportSecurityRequirement();
            })
            .AddValidation(o =>
            {
                o.UseLocalServer();
                o.AddAudiences(AuthenticationSettings.Audience);
                o.UseAspNetCore();
            });

        builder.Services.AddHostedService<IdentitySeeder>();
        return builder;
    }

    public static WebApplication MapIdentityEndpoints(this WebApplication app)
    {
        app.UseAntiforgery();
        app.MapApiDescription();
        app.MapProtocolEndpoints();
        app.MapSignInPage();
        app.MapUserEndpoints();
        app.MapClientEndpoints();
        app.MapMeEndpoints();
        return app;
    }
}
