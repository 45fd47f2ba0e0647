using MenSI.Registry.Schools;
using MenSI.ServiceDefaults.Messaging;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Registry;

public sealed class RegistryDbContext(DbContextOptions<RegistryDbContext> options) : DbContext(options)
{
    public DbSet<School> Schools => Set<School>();
    public DbSet<Membership.SchoolChange> SchoolChanges => Set<Membership.SchoolChange>();
    public DbSet<Maturity.SelfAssessment> SelfAssessments => Set<Maturity.SelfAssessment>();
    public DbSet<Contacts.ContactPerson> ContactPersons => Set<Contacts.ContactPerson>();
    public DbSet<Applications.SchoolApplication> SchoolApplications => Set<Applications.SchoolApplication>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(RegistryDbContext).Assembly);
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.MapKeyFunction();
    }
}

internal sealed class RegistryDbContextFactory : MenSI.ServiceDefaults.Data.DesignTimeDbContextFactory<RegistryDbContext>;
