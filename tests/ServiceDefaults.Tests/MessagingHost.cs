using MassTransit;
using MenSI.ServiceDefaults.Data;
using MenSI.ServiceDefaults.Messaging;
using MenSI.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MenSI.ServiceDefaults.Tests;

/// <summary>
/// A service's messaging without a web host: its own fresh database (created from the model) and the shared broker,
/// wired by the same <c>AddServiceDatabase</c> and <c>AddMessaging</c> every service calls. The application name
/// decides the service whose exchanges it owns (<c>MenSI.Registry</c> owns the Registry's).
/// </summary>
public static class MessagingHost
{
    public static async Task<IHost> StartAsync<TDb>(PlatformServers servers, string applicationName, IDictionary<string, string?> settings,
        Action<IBusRegistrationConfigurator>? consumers = null) where TDb : DbContext
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = applicationName, EnvironmentName = "Testing" });
        var configuration = servers.ServiceConfiguration("test-db", await servers.CreateDatabaseAsync("messaging"));
        foreach (var (key, value) in settings) configuration[key] = value;
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddServiceDatabase<TDb>("test-db");
        builder.AddMessaging<TDb>(consumers);
        var host = builder.Build();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<TDb>().Database.EnsureCreatedAsync();
        }

        await host.StartAsync();
        return host;
    }
}
