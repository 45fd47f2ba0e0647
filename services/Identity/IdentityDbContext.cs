using MenSI.Identity.Users;
using MenSI.ServiceDefaults.Messaging;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Identity;

/// <summary>People (users) and OpenIddict's applications, authorizations, scopes and tokens, in Identity's own database.</summary>
public sealed class IdentityDbContext(DbContextOptions<IdentityDbContext> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(IdentityDbContext).Assembly);
        modelBuilder.UseOpenIddict();
        modelBuilder.AddOutboxAndInbox();
    }
}

internal sealed class IdentityDbContextFactory : MenSI.ServiceDefaults.Data.DesignTimeDbContextFactory<IdentityDbContext>;
