using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using MenSI.Community.Spaces;
using MenSI.ServiceDefaults.Security;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Community.Live;

/// <summary>
/// <c>GET /api/v1/community/live</c>: Server-Sent Events of what is published in the spaces the member may read. The
/// readable spaces are looked up when the stream opens and again every minute, so joining or leaving a cluster takes
/// effect on an open stream too.
/// </summary>
public static class LiveEndpoints
{
    private static readonly TimeSpan ReadableFor = TimeSpan.FromMinutes(1);

    public static void MapLiveEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet(SpaceEndpoints.Route + "/live", (Caller caller, CommunityDbContext db, LiveUpdates live, TimeProvider clock, CancellationToken ct) =>
                TypedResults.ServerSentEvents(StreamAsync(caller, db, live, clock, ct)))
            .WithTags("Live").WithName("FollowLive").RequireAuthorization(Policies.Member)
            .WithSummary("New posts, resources and webinars in the caller's spaces, as Server-Sent Events.");

    private static async IAsyncEnumerable<SseItem<LiveMessage>> StreamAsync(
        Caller caller, CommunityDbContext db, LiveUpdates live, TimeProvider clock, [EnumeratorCancellation] CancellationToken ct)
    {
        using var listener = await live.ListenAsync();
        var readable = await ReadableAsync(db, caller, ct);
        var lookedUp = clock.GetUtcNow();
        yield return new SseItem<LiveMessage>(new LiveMessage("ready", null, null, null, lookedUp), "ready");
        while (!ct.IsCancellationRequested)
        {
            var update = await NextAsync(listener, ct);
            if (ct.IsCancellationRequested) yield break;
            if (update is null)
            {
                yield return new SseItem<LiveMessage>(new LiveMessage("ping", null, null, null, clock.GetUtcNow()), "ping");
                continue;
            }

            if (clock.GetUtcNow() - lookedUp > ReadableFor)
            {
                readable = await ReadableAsync(db, caller, ct);
                lookedUp = clock.GetUtcNow();
            }

            if (update.SpaceId is { } space && readable.Contains(space))
                yield return new SseItem<LiveMessage>(update, update.Kind) { EventId = update.SubjectId?.ToString() };
        }
    }

    /// <summary>The next update, or null after a quiet <see cref="LiveUpdates.PingEvery"/> (or when the client left).</summary>
    private static async Task<LiveMessage?> NextAsync(LiveUpdates.Listener listener, CancellationToken ct)
    {
        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(ct);
        quiet.CancelAfter(LiveUpdates.PingEvery);
        try
        {
            return await listener.Reader.ReadAsync(quiet.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static async Task<HashSet<Guid>> ReadableAsync(CommunityDbContext db, Caller caller, CancellationToken ct) =>
        [.. await db.ReadableSpaces(caller).Select(s => s.Id).ToListAsync(ct)];
}
