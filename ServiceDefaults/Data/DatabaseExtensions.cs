using MenSI.ServiceDefaults.Messaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MenSI.ServiceDefaults.Data;

public static class DatabaseExtensions
{
    public const string MigrationsHistoryTable = "__ef_migrations_history";

    /// <summary>
    /// The service's own PostgreSQL database from <c>ConnectionStrings:&lt;name&gt;</c>, with a readiness check and
    /// snake_case names (readable in psql and raw SQL), and the outbox's wake-up interceptor (so events leave right after the commit that wrote them, not at the next poll).
    /// </summary>
    public static IHostApplicationBuilder AddServiceDatabase<TDb>(this IHostApplicationBuilder builder, string connectionName)
        where TDb : DbContext
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{connectionName} is not set (the AppHost injects it).");

        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddDbContext<TDb>((services, options) => options
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable(MigrationsHistoryTable))
            .UseSnakeCaseNamingConvention()
            .AddInterceptors(new OutboxSignalInterceptor(services.GetRequiredService<OutboxSignal>())));
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck<TDb>>(connectionName, tags: [ServiceDefaultsExtensions.ReadyTag]);
        return builder;
    }

    /// <summary>
    /// Runs the service. <c>dotnet Service.dll migrate</c> applies pending migrations and exits: the production step,
    /// run once per release before the new replicas start. In Development (as the AppHost runs services), or with
    /// <c>Database:MigrateOnStartup=true</c>, migrations are applied at start-up for convenience.
    /// </summary>
    public static async Task RunWithMigrationsAsync<TDb>(this WebApplication app, string[] args) where TDb : DbContext
    {
        var migrateOnly = args.Contains("migrate", StringComparer.Ordinal);
        if (migrateOnly || app.Configuration.GetValue("Database:MigrateOnStartup", app.Environment.IsDevelopment()))
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TDb>();
            var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
            await db.Database.MigrateAsync();
            app.Logger.LogInformation("Database {Database}: applied {Count} migration(s) {Migrations}",
                db.Database.GetDbConnection().Database, pending.Count, pending);
        }

        if (!migrateOnly) await app.RunAsync();
    }

    private sealed class DatabaseHealthCheck<TDb>(TDb db) : IHealthCheck where TDb : DbContext
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("The database does not answer.");
    }
}
