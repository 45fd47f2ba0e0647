using MenSI.Courses.Analytics;
using MenSI.Courses.Catalogue;
using MenSI.Courses.Credentials;
using MenSI.Courses.Learning;
using MenSI.Courses.PersonalData;
using MenSI.Courses.Runs;
using MenSI.Courses.Schools;
using MenSI.ServiceDefaults.Data;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Messaging;
using MenSI.ServiceDefaults.Security;
using Microsoft.Extensions.Options;

namespace MenSI.Courses;

public static class CoursesServices
{
    public static IHostApplicationBuilder AddCoursesServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<CoursesDbContext>("courses-db");
        builder.AddRedis("redis");
        builder.AddMessaging<CoursesDbContext>(bus =>
        {
            bus.AddConsumer<SchoolRegisteredConsumer>((_, c) => InboxBatch.Configure(c));
            bus.AddConsumer<SchoolProfileUpdatedConsumer>((_, c) => InboxBatch.Configure(c));
        });
        builder.AddJwtAuthentication();
        builder.AddApiDescription();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHttpContextAccessor();
        // Credentials name the address verifiers reach: the gateway's, which is also the token issuer's by default.
        builder.Services.AddOptions<BadgeOptions>().BindConfiguration("Badges")
            .PostConfigure<IConfiguration>((o, configuration) =>
            {
                if (string.IsNullOrEmpty(o.PublicBaseUrl)) o.PublicBaseUrl = configuration["Authentication:Issuer"] ?? "";
            })
            .Validate(o => Uri.TryCreate(o.PublicBaseUrl, UriKind.Absolute, out _), "Badges:PublicBaseUrl (or Authentication:Issuer) must be an absolute URL.")
            .ValidateOnStart();
        builder.Services.AddSingleton(services => new BadgeUrls(services.GetRequiredService<IOptions<BadgeOptions>>().Value.PublicBaseUrl));
        builder.Services.AddSingleton<IssuerKeyRing>();
        builder.Services.AddScoped<CredentialIssuer>();
        builder.Services.AddScoped<Verification>();
        builder.Services.AddScoped<LearnerProgress>();
        builder.Services.AddSingleton<EnrolmentDesk>();
        builder.Services.AddScoped<CourseAnalytics>();
        builder.Services.AddScoped<CourseEndpoints.CourseChange>();
        return builder;
    }

    public static WebApplication MapCoursesEndpoints(this WebApplication app)
    {
        app.MapApiDescription();
        app.MapCourseEndpoints();
        app.MapRunEndpoints();
        app.MapLearningEndpoints();
        app.MapAnalyticsEndpoints();
        app.MapSchoolLearningEndpoints();
        app.MapPersonalDataEndpoints();
        app.MapBadgeEndpoints();
        return app;
    }
}
