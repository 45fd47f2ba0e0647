using MenSI.Clusters.Activities;
using MenSI.Clusters.Clusters;
using MenSI.Clusters.Diary;
using MenSI.Clusters.Plans;
using MenSI.Clusters.Reports;
using MenSI.Clusters.Schools;
using MenSI.ServiceDefaults.Data;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Messaging;
using MenSI.ServiceDefaults.Security;

namespace MenSI.Clusters;

public static class ClustersServices
{
    public static IHostApplicationBuilder AddClustersServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<ClustersDbContext>("clusters-db");
        builder.AddRedis("redis");
        builder.AddMessaging<ClustersDbContext>(bus =>
        {
            bus.AddConsumer<SchoolRegisteredConsumer>((_, c) => InboxBatch.Configure(c));
            bus.AddConsumer<SchoolProfileUpdatedConsumer>((_, c) => InboxBatch.Configure(c));
            bus.AddConsumer<SchoolRoleAssignedConsumer>((_, c) => InboxBatch.Configure(c));
            bus.AddConsumer<SchoolStatusChangedConsumer>((_, c) => InboxBatch.Configure(c));
            bus.AddConsumer<DigitalMaturityAssessedConsumer>((_, c) => InboxBatch.Configure(c));
        });
        builder.AddJwtAuthentication();
        builder.AddApiDescription();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddOptions<ClusterOptions>().BindConfiguration("Clusters").Validate(o => o.MaxMentees >= 1, "Clusters:MaxMentees must be 1 or more.");
        builder.Services.AddScoped<ClusterEndpoints.ClusterChange>();
        builder.Services.AddScoped<SchoolFacts>();
        builder.Services.AddScoped<SchoolReactions>();
        return builder;
    }

    public static WebApplication MapClustersEndpoints(this WebApplication app)
    {
        app.MapApiDescription();
        app.MapClusterEndpoints();
        app.MapActivityEndpoints();
        app.MapPlanEndpoints();
        app.MapDiaryEndpoints();
        app.MapReportEndpoints();
        app.MapSchoolFactsEndpoints();
        return app;
    }
}
