using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Configuration;
using MassTransit;
using MenSI.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MenSI.ServiceDefaults.Messaging;

public static class MessagingExtensions
{
    /// <summary>
    /// Messaging in one call: MassTransit on RabbitMQ (<c>ConnectionStrings:rabbitmq</c>) for consuming, with DESIGN.md's
    /// exchange names and plain camelCase JSON; the outbox dispatcher for <typeparamref name="TDb"/> on a connection of
    /// its own (<see cref="OutboxPublisher"/>), its retention and its readiness checks; and whatever consumers
    /// <paramref name="configureConsumers"/> adds (derive them from <see cref="InboxBatchConsumer{TEvent, TDb}"/>).
    /// <para>
    /// Retries: a transient failure (<see cref="TransientFailures"/>: the database or broker away, a lost race) is retried
    /// with back-off up to <c>Messaging:TransientRetryMaxInterval</c> apart, for as long as it takes: an outage delays
    /// events, it never parks them. Any other failure is retried <c>Messaging:RetryLimit</c> times, then the message
    /// goes to <c>&lt;queue&gt;_error</c>, so it never blocks the queue.
    /// </para>
    /// </summary>
    public static IHostApplicationBuilder AddMessaging<TDb>(this IHostApplicationBuilder builder,
        Action<IBusRegistrationConfigurator>? configureConsumers = null) where TDb : DbContext
    {
        var connectionString = builder.Configuration.GetConnectionString("rabbitmq")
            ?? throw new InvalidOperationException("ConnectionStrings:rabbitmq is not set (the AppHost injects it).");
        var serviceName = builder.Environment.ApplicationName.Split('.').Last().ToLowerInvariant();
        var retryLimit = builder.Configuration.GetValue("Messaging:RetryLimit", 5);
        var retryMin = builder.Configuration.GetValue("Messaging:RetryMinInterval", TimeSpan.FromMilliseconds(200));
        var transientMax = builder.Configuration.GetValue("Messaging:TransientRetryMaxInterval", TimeSpan.FromSeconds(15));
        var prefetch = builder.Configuration.GetValue("Messaging:PrefetchCount", 32);

        builder.Services.AddOptions<OutboxOptions>().BindConfiguration("Outbox");
        builder.Services.AddOptions<MessageRetentionOptions>().BindConfiguration("Retention");
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<OutboxSignal>();
        builder.Services.AddSingleton(sp => new BrokerConnection(connectionString, sp.GetRequiredService<ILogger<BrokerConnection>>()));
        builder.Services.AddSingleton(sp => new OutboxPublisher(sp.GetRequiredService<BrokerConnection>(), serviceName, sp.GetRequiredService<ILogger<OutboxPublisher>>()));
        builder.Services.AddHostedService<OutboxDispatcher<TDb>>();
        builder.Services.AddHostedService<MessageRetention<TDb>>();
        builder.Services.AddHealthChecks()
            .AddCheck<BrokerHealthCheck>("broker", tags: [ServiceDefaultsExtensions.ReadyTag])
            .AddCheck<OutboxHealthCheck<TDb>>("outbox", tags: [ServiceDefaultsExtensions.ReadyTag]);

        // The service must start (and report itself degraded) while the broker is away; the outbox keeps the events.
        builder.Services.AddOptions<MassTransitHostOptions>().Configure(o =>
        {
            o.WaitUntilStarted = false;
            o.StopTimeout = TimeSpan.FromSeconds(10);
        });

        builder.Services.AddMassTransit(bus =>
        {
            // Nothing about the platform leaves the machine: no usage reports to MassTransit's own host.
            bus.DisableUsageTelemetry();
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(serviceName, includeNamespace: false));
            configureConsumers?.Invoke(bus);
            bus.AddConfigureEndpointsCallback((_, _, endpoint) =>
            {
                // Outer: transient failures, for ever. Inner: the rest, a few times. A transient failure skips the
                // inner policy, reaches the outer one, and the next try starts the inner count afresh.
                endpoint.UseMessageRetry(r => r.Exponential(int.MaxValue, retryMin, transientMax, retryMin).Handle<Exception>(TransientFailures.IsTransient));
                endpoint.UseMessageRetry(r => r.Exponential(retryLimit, retryMin, TimeSpan.FromSeconds(10), retryMin).Ignore<Exception>(TransientFailures.IsTransient));
            });

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
