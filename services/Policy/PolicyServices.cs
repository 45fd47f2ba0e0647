using MenSI.Policy.Documents;
using MenSI.Policy.Evidence;
using MenSI.Policy.Sessions;
using MenSI.Policy.Snapshots;
using MenSI.ServiceDefaults.Data;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Messaging;
using MenSI.ServiceDefaults.Security;

namespace MenSI.Policy;

public static class PolicyServices
{
    public static IHostApplicationBuilder AddPolicyServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<PolicyDbContext>("policy-db");
        builder.AddRedis("redis");
        builder.AddMessaging<PolicyDbContext>(bus => bus.AddEvidenceConsumers());
        builder.AddJwtAuthentication();
        builder.AddApiDescription();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    public static WebApplication MapPolicyEndpoints(this WebApplication app)
    {
        app.MapApiDescription();
        app.MapIndicatorEndpoints();
        app.MapSnapshotEndpoints();
        app.MapDocumentEndpoints();
        app.MapSessionEndpoints();
        return app;
    }
}
