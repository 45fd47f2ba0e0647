using MenSI.Community.Live;
using MenSI.Community.Moderation;
using MenSI.Community.PersonalData;
using MenSI.Community.Profiles;
using MenSI.Community.Resources;
using MenSI.Community.Search;
using MenSI.Community.Spaces;
using MenSI.Community.Threads;
using MenSI.Community.Unread;
using MenSI.Community.Webinars;
using MenSI.ServiceDefaults.Data;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Messaging;
using MenSI.ServiceDefaults.Security;

namespace MenSI.Community;

public static class CommunityServices
{
    public static IHostApplicationBuilder AddCommunityServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<CommunityDbContext>("community-db");
        builder.AddRedis("redis");
        builder.AddMessaging<CommunityDbContext>(bus =>
        {
            bus.AddConsumer<ClusterFormedConsumer>((_, c) => InboxBatch.Configure(c));
            bus.AddConsumer<SchoolJoinedClusterConsumer>((_, c) => InboxBatch.Configure(c));
            bus.AddConsumer<SchoolLeftClusterConsumer>((_, c) => InboxBatch.Configure(c));
        });
        builder.AddJwtAuthentication();
        builder.AddApiDescription();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<PostingOptions>().BindConfiguration("Community:Posting").Validate(o => o.PerMinute >= 1, "Community:Posting:PerMinute must be 1 or more.");
        builder.Services.AddSingleton<PostingLimit>();
        builder.Services.AddSingleton<UnreadCounts>();
        builder.Services.AddSingleton<LiveUpdates>();
        builder.Services.AddOptions<TrustOptions>().BindConfiguration("Community:Trust").Validate(o => o.PublishedToTrust >= 0, "Community:Trust:PublishedToTrust must be 0 or more.");
        builder.Services.AddSingleton<Trust>();
        builder.Services.AddScoped<ContentModeration>();
        return builder;
    }

    public static WebApplication MapCommunityEndpoints(this WebApplication app)
    {
        app.MapApiDescription();
        app.MapSpaceEndpoints();
        app.MapSchoolActivityEndpoints();
        app.MapThreadEndpoints();
        app.MapModerationEndpoints();
        app.MapSearchEndpoints();
        app.MapProfileEndpoints();
        app.MapPersonalDataEndpoints();
        app.MapUnreadEndpoints();
        app.MapResourceEndpoints();
        app.MapWebinarEndpoints();
        app.MapActivityFeed();
        app.MapLiveEndpoints();
        return app;
    }
}
