using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace MenSI.ServiceDefaults.Data;

/// <summary>
/// Lets <c>dotnet ef migrations add</c> build a service's context without its host (which needs the AppHost's
/// connection strings). Each service declares one empty subclass next to its DbContext.
/// </summary>
public abstract class DesignTimeDbContextFactory<TDb> : IDesignTimeDbContextFactory<TDb> where TDb : DbContext
{
    public TDb CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<TDb>()
            .UseNpgsql("Host=localhost;Database=design-time", npgsql => npgsql.MigrationsHistoryTable(DatabaseExtensions.MigrationsHistoryTable))
            .UseSnakeCaseNamingConvention()
            .Options;
        return (TDb)Activator.CreateInstance(typeof(TDb), options)!;
    }
}
