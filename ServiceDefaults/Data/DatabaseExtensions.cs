using Microsoft.Extensions.DependencyInjection.Extensions;
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
        var configured = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{connectionName} is not set (the AppHost injects it).");
        var connectionString = WithoutJit(configured);

        builder.Services.TryAddSingleton<OutboxSignal>();
        builder.Services.AddDbContext<TDb>((services, options) => options
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable(MigrationsHistoryTable))
            .UseSnakeCaseNamingConvention()
            .AddInterceptors(new OutboxSignalInterceptor(services.GetRequiredService<OutboxSignal>())));
        builder.Services.AddHostedService<MigrateOnStartup<TDb>>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck<TDb>>(connectionName, tags: [ServiceDefaultsExtensions.ReadyTag]);
        return builder;
    }

    /// <summary>
    /// Our queries are short and index-driven; PostgreSQL's JIT compiles any plan whose (often over-)estimated cost
    /// passes <c>jit_above_cost</c>, which added 15 to 130 ms to community searches over a million posts that run in a
    /// few milliseconds without it. Off for every service's sessions, unless the connection string says otherwise.
    /// </summary>
    internal static string WithoutJit(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (builder.Options?.Contains("jit", StringComparison.OrdinalIgnoreCase) != true) builder.Options = $"{builder.Options} -c jit=off".Trim();
        return builder.ConnectionString;
    }

    /// <summary>
    /// Saves, or names the unique constraint the save ran into (a concurrent request won a race the endpoint's own
    /// check could not see): the one way every service turns a duplicate into its 409. Null when it saved.
    /// </summary>
    public static async Task<string?> SaveOrDuplicateAsync(this DbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation } unique)
        {
            return unique.ConstraintName ?? "";
        }
    }

    /// <summary>
    /// Runs the service, or with the argument <c>migrate</c> applies pending migrations and exits: the production step,
    /// run once per release before new replicas start (migrating on start-up is unsafe with many replicas).
    /// </summary>
    public static async Task RunOrMigrateAsync<TDb>(this WebApplication app, string[] args) where TDb : DbContext
    {
        if (args.Contains("migrate", StringComparer.Ordinal))
        {
            await using var scope = app.Services.CreateAsyncScope();
            await MigrateAsync(scope.ServiceProvider.GetRequiredService<TDb>(), app.Logger, CancellationToken.None);
            return;
        }

        await app.RunAsync();
    }

    private static async Task MigrateAsync(DbContext db, ILogger logger, CancellationToken cancellationToken)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await db.Database.MigrateAsync(cancellationToken);
        logger.LogInformation("Database {Database}: applied {Count} migration(s) {Migrations}",
            db.Database.GetDbConnection().Database, pending.Count, pending);
    }

    /// <summary>
    /// In Development (as the AppHost runs services) or with <c>Database:MigrateOnStartup=true</c>, migrates before any
    /// other hosted service (the outbox dispatcher, the bus) starts: it is registered first.
    /// </summary>
    private sealed class MigrateOnStartup<TDb>(IServiceScopeFactory scopes, IConfiguration configuration, IHostEnvironment environment,
        ILogger<MigrateOnStartup<TDb>> logger) : IHostedService where TDb : DbContext
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (!configuration.GetValue("Database:MigrateOnStartup", environment.IsDevelopment())) return;
            await using var scope = scopes.CreateAsyncScope();
            await MigrateAsync(scope.ServiceProvider.GetRequiredService<TDb>(), logger, cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class DatabaseHealthCheck<TDb>(TDb db) : IHealthCheck where TDb : DbContext
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("The database does not answer.");
    }
}
