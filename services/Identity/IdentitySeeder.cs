using MenSI.Identity.Clients;
using MenSI.Identity.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;

namespace MenSI.Identity;

public sealed class FrontEndSettings
{
    public string DisplayName { get; set; } = "";
    public List<Uri> RedirectUris { get; set; } = [];
    /// <summary>Where sign-out may send the browser back to (end session's <c>post_logout_redirect_uri</c>).</summary>
    public List<Uri> PostLogoutRedirectUris { get; set; } = [];
}

/// <summary>Development defaults (appsettings.Development.json): one user per role and one machine client.</summary>
public sealed class SeedSettings
{
    public string Password { get; set; } = "";
    public List<SeedUser> Users { get; set; } = [];
    public List<SeedClient> Clients { get; set; } = [];

    public sealed class SeedUser
    {
        public string Email { get; set; } = "";
        public string DisplayName { get; set; } = "";
        public string Role { get; set; } = "";
        public string? Country { get; set; }
        public Guid? SchoolId { get; set; }
    }

    public sealed class SeedClient
    {
        public string ClientId { get; set; } = "";
        public string DisplayName { get; set; } = "";
        public string Country { get; set; } = "";
        public string Secret { get; set; } = "";
    }
}

/// <summary>
/// At start, after migrations: registers the configured front-ends (<c>Identity:FrontEnds</c>, in every environment,
/// updating their redirect addresses), and in Development only, the seed users and clients that are missing.
/// </summary>
internal sealed partial class IdentitySeeder(IServiceScopeFactory scopes, IConfiguration configuration, IHostEnvironment environment,
    ILogger<IdentitySeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();

        var frontEnds = configuration.GetSection("Identity:FrontEnds").Get<Dictionary<string, FrontEndSettings>>() ?? [];
        foreach (var (clientId, settings) in frontEnds)
        {
            var descriptor = ClientDescriptors.FrontEnd(clientId, settings.DisplayName, settings.RedirectUris, settings.PostLogoutRedirectUris);
            if (await applications.FindByClientIdAsync(clientId, cancellationToken) is { } existing)
                await applications.UpdateAsync(existing, descriptor, cancellationToken);
            else
                await applications.CreateAsync(descriptor, cancellationToken);
        }

        if (!environment.IsDevelopment()) return;
        var seed = configuration.GetSection("Identity:Seed").Get<SeedSettings>();
        if (seed is null) return;

        foreach (var client in seed.Clients)
        {
            if (await applications.FindByClientIdAsync(client.ClientId, cancellationToken) is not null) continue;
            await applications.CreateAsync(ClientDescriptors.MachineClient(client.ClientId, client.DisplayName, client.Country, client.Secret), cancellationToken);
            Seeded("client", client.ClientId);
        }

        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<User>>();
        var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
        foreach (var seedUser in seed.Users)
        {
            var email = User.NormaliseEmail(seedUser.Email);
            if (await db.Users.AnyAsync(u => u.Email == email, cancellationToken)) continue;
            var user = User.Create(new UserDetails(seedUser.DisplayName, [seedUser.Role], seedUser.Country, seedUser.SchoolId), email, now);
            user.SetPasswordHash(hasher.HashPassword(user, seed.Password));
            db.Users.Add(user);
            Seeded("user", user.Id.ToString());
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded development {Kind} {Id}")]
    private partial void Seeded(string kind, string id);
}
