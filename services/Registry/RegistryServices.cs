using MenSI.Registry.Applications;
using MenSI.Registry.Contacts;
using MenSI.Registry.Imports;
using MenSI.Registry.Maturity;
using MenSI.Registry.Membership;
using MenSI.Registry.Schools;
using MenSI.ServiceDefaults.Data;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Messaging;
using MenSI.ServiceDefaults.Security;

namespace MenSI.Registry;

public static class RegistryServices
{
    public static IHostApplicationBuilder AddRegistryServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<RegistryDbContext>("registry-db");
        builder.AddRedis("redis");
        builder.AddMessaging<RegistryDbContext>();
        builder.AddJwtAuthentication();
        builder.AddApiDescription();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    public static WebApplication MapRegistryEndpoints(this WebApplication app)
    {
        app.MapApiDescription();
        app.MapSchoolEndpoints();
        app.MapMembershipEndpoints();
        app.MapMaturityEndpoints();
        app.MapContactEndpoints();
        app.MapImportEndpoints();
        app.MapApplicationEndpoints();
        // Lets a consumer rebuild what it keeps of schools: see docs/clusters.md, "Rebuilding the snapshots".
        app.MapOutboxReplay<RegistryDbContext>(SchoolEndpoints.Route + "/events/replay");
        return app;
    }
}
