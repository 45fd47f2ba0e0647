using System.Text.Json.Serialization;
using MenSI.Contracts;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace MenSI.ServiceDefaults.Messaging;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record OutboxReplayRequest(IReadOnlyList<string>? Events, DateTimeOffset? Since);

public sealed record OutboxReplayResponse(int Replayed);

/// <summary>
/// Publishes again events a service has already published, from its outbox (sent rows are kept for <c>Retention:SentOutbox</c>, 7 days by default), in their original
/// order and with their original ids: how a consumer rebuilds a read model (for example Clusters' school snapshots)
/// after clearing it and its inbox. Every other consumer sees ids it has handled and ignores them (its inbox, or the
/// event catalogue's advice to deduplicate on <c>eventId</c>). Network admins only.
/// </summary>
public static partial class OutboxReplay
{
    public static RouteHandlerBuilder MapOutboxReplay<TDb>(this IEndpointRouteBuilder app, string route) where TDb : DbContext =>
        app.MapPost(route, ReplayAsync<TDb>).WithTags("Operations").WithName("ReplayEvents").RequireAuthorization(Policies.NetworkAdmin);

    private static readonly Dictionary<string, string> ClrNameOfExchange = typeof(IIntegrationEvent).Assembly.GetTypes()
        .Where(t => typeof(IIntegrationEvent).IsAssignableFrom(t) && !t.IsInterface)
        .ToDictionary(EventNames.ExchangeFor, t => t.FullName!, StringComparer.Ordinal);

    internal static async Task<Results<Ok<OutboxReplayResponse>, ValidationProblem>> ReplayAsync<TDb>(
        OutboxReplayRequest request, Caller caller, TDb db, OutboxSignal signal, ILoggerFactory loggers, CancellationToken cancellationToken) where TDb : DbContext
    {
        var events = request.Events ?? [];
        var unknown = events.Where(e => !ClrNameOfExchange.ContainsKey(e)).ToList();
        if (events.Count == 0 || unknown.Count > 0)
        {
            return Problems.Validation(new Dictionary<string, string[]>
            {
                ["events"] = [$"Name one or more events by exchange, e.g. mensi.registry.school-registered{(unknown.Count > 0 ? $"; unknown: {string.Join(", ", unknown)}" : "")}."],
            });
        }

        var types = events.Select(e => ClrNameOfExchange[e]).ToList();
        // PostgreSQL compares instants in UTC; Npgsql refuses an offset other than zero rather than guess.
        var since = request.Since?.ToUniversalTime() ?? DateTimeOffset.MinValue;
        var replayed = await db.Set<OutboxMessage>()
            .Where(m => m.SentAt != null && types.Contains(m.EventType) && m.OccurredAt >= since)
            .ExecuteUpdateAsync(m => m.SetProperty(x => x.SentAt, (DateTimeOffset?)null).SetProperty(x => x.Attempts, 0)
                .SetProperty(x => x.LastError, (string?)null), cancellationToken);
        signal.Notify();
        Replaying(loggers.CreateLogger(typeof(OutboxReplay)), caller, replayed, string.Join(", ", events), since);
        return TypedResults.Ok(new OutboxReplayResponse(replayed));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Caller} replays {Count} event(s) of {Events} since {Since}")]
    private static partial void Replaying(ILogger logger, Caller caller, int count, string events, DateTimeOffset since);
}
