using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Configuration;
using MassTransit;
using MenSI.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MenSI.ServiceDefaults.Messaging;

public static class MessagingExtensions
{
    /// <summary>
    /// Messaging in one call: MassTransit on RabbitMQ (<c>ConnectionStrings:rabbitmq</c>) with DESIGN.md's exchange names,
    /// plain camelCase JSON payloads, retries with back-off then an <c>_error</c> queue, the outbox dispatcher for
    /// <typeparamref name="TDb"/>, and whatever consumers <paramref name="configureConsumers"/> adds (derive them from
    /// <see cref="InboxConsumer{TEvent, TDb}"/>).
    /// </summary>
    public static IHostApplicationBuilder AddMessaging<TDb>(this IHostApplicationBuilder builder,
        Action<IBusRegistrationConfigurator>? configureConsumers = null) where TDb : DbContext
    {
        var connectionString = builder.Configuration.GetConnectionString("rabbitmq")
            ?? throw new InvalidOperationException("ConnectionStrings:rabbitmq is not set (the AppHost injects it).");
        var serviceName = builder.Environment.ApplicationName.Split('.').Last().ToLowerInvariant();
        // A failing message is retried with exponential back-off, then moved to <queue>_error so it never blocks the queue.
        var retryLimit = builder.Configuration.GetValue("Messaging:RetryLimit", 5);
        var retryMin = builder.Configuration.GetValue("Messaging:RetryMinInterval", TimeSpan.FromMilliseconds(200));
        var prefetch = builder.Configuration.GetValue("Messaging:PrefetchCount", 32);

        builder.Services.AddOptions<OutboxOptions>().BindConfiguration("Outbox");
        builder.Services.TryAddSingleton<OutboxSignal>();
        builder.Services.AddHostedService<OutboxDispatcher<TDb>>();

        // The service must start (and report itself unhealthy) while the broker is away; the outbox keeps the events.
        builder.Services.AddOptions<MassTransitHostOptions>().Configure(o =>
        {
            o.WaitUntilStarted = false;
            o.StopTimeout = TimeSpan.FromSeconds(10);
        });

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(serviceName, includeNamespace: false));
            configureConsumers?.Invoke(bus);
            bus.AddConfigureEndpointsCallback((_, _, endpoint) =>
                endpoint.UseMessageRetry(r => r.Exponential(retryLimit, retryMin, TimeSpan.FromSeconds(10), retryMin)));

            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(new Uri(connectionString));
                // MassTransit's default (twice the cores: 4 here) leaves a consumer waiting on its database round trips;
                // each message is its own short transaction, so more of them in flight is what lifts throughput.
                rabbit.PrefetchCount = prefetch;
                rabbit.MessageTopology.SetEntityNameFormatter(new MenSIEntityNameFormatter(rabbit.MessageTopology.EntityNameFormatter));
                // Consumers bind to the concrete event's exchange; no exchange for the shared interface.
                rabbit.Publish<IIntegrationEvent>(p => p.Exclude = true);
                rabbit.ConfigureJsonSerializerOptions(options =>
                {
                    ServiceDefaultsExtensions.ConfigureJson(options);
                    return options;
                });
                rabbit.UseRawJsonSerializer(RawSerializerOptions.Default, isDefault: true);
                rabbit.UseRawJsonDeserializer(RawSerializerOptions.Default, isDefault: true);
                rabbit.ConfigureEndpoints(context);
            });
        });
        return builder;
    }
}

/// <summary>Names integration events' exchanges <c>mensi.&lt;service&gt;.&lt;event&gt;</c>; anything else keeps MassTransit's name.</summary>
internal sealed class MenSIEntityNameFormatter(IEntityNameFormatter fallback) : IEntityNameFormatter
{
    public string FormatEntityName<T>() =>
        typeof(IIntegrationEvent).IsAssignableFrom(typeof(T)) && !typeof(T).IsInterface
            ? EventNames.ExchangeFor(typeof(T))
            : fallback.FormatEntityName<T>();
}
