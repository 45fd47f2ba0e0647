using MenSI.Community.Spaces;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StackExchange.Redis;

namespace MenSI.Community.Unread;

/// <summary>When a member last read a space: the database keeps it (the truth), Redis only counts what came after.</summary>
public sealed class ReadMarker
{
    public Guid MemberId { get; init; }
    public Guid SpaceId { get; init; }
    public DateTimeOffset ReadAt { get; set; }
}

public sealed record UnreadResponse(Guid SpaceId, int Unread, DateTimeOffset ReadAt);

/// <summary>
/// Unread counts: per space, a Redis sorted set of its visible posts scored by time; a member's unread count in a space
/// is the number of posts after their read marker (<c>ZCOUNT</c>), so it can never be negative. A set is only ever added
/// to while it exists (a script checks): after Redis restarts (or loses the set), the next read rebuilds it from the
/// database, whole, instead of counting only the posts written since. Rebuilt sets expire after an hour, which bounds
/// any drift from a post written in the moment of a rebuild.
/// </summary>
public sealed class UnreadCounts(IConnectionMultiplexer redis)
{
    private static readonly TimeSpan RebuiltFor = TimeSpan.FromHours(1);
    private const string AddIfBuilt = "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2]) end return 0";

    public static RedisKey KeyOf(Guid space) => $"community:space:{space:N}:posts";

    public Task PublishedAsync(Guid space, Guid post, DateTimeOffset at) =>
        redis.GetDatabase().ScriptEvaluateAsync(AddIfBuilt, [KeyOf(space)], [at.ToUnixTimeMilliseconds(), post.ToString("N")]);

    public Task HiddenAsync(Guid space, Guid post) => redis.GetDatabase().SortedSetRemoveAsync(KeyOf(space), post.ToString("N"));

    public async Task<IReadOnlyList<UnreadResponse>> CountAsync(CommunityDbContext db, IReadOnlyList<ReadMarker> markers, CancellationToken ct)
    {
        var redisDb = redis.GetDatabase();
        var check = redisDb.CreateBatch();
        var exists = markers.Select(m => check.KeyExistsAsync(KeyOf(m.SpaceId))).ToList();
        check.Execute();
        await Task.WhenAll(exists);
        for (var i = 0; i < markers.Count; i++)
        {
            if (!exists[i].Result) await RebuildAsync(db, redisDb, markers[i].SpaceId, ct);
        }

        var batch = redisDb.CreateBatch();
        // Exclusive of the marker: what the member posted as they read (which moves the marker) is not unread.
        var counts = markers.Select(m => batch.SortedSetLengthAsync(KeyOf(m.SpaceId), m.ReadAt.ToUnixTimeMilliseconds(), double.PositiveInfinity, Exclude.Start)).ToList();
        batch.Execute();
        await Task.WhenAll(counts);
        return [.. markers.Select((m, i) => new UnreadResponse(m.SpaceId, (int)counts[i].Result, m.ReadAt))];
    }

    private static async Task RebuildAsync(CommunityDbContext db, IDatabase redisDb, Guid space, CancellationToken ct)
    {
        var posts = await db.Posts.AsNoTracking().Where(p => p.SpaceId == space && !p.Hidden).Select(p => new { p.Id, p.CreatedAt }).ToListAsync(ct);
        var key = KeyOf(space);
        var transaction = redisDb.CreateTransaction();
        _ = transaction.KeyDeleteAsync(key);
        // A sentinel keeps an empty space's set existing (so it is not rebuilt on every read); it scores before any post.
        _ = transaction.SortedSetAddAsync(key, [new SortedSetEntry("built", double.NegativeInfinity), .. posts.Select(p => new SortedSetEntry(p.Id.ToString("N"), p.CreatedAt.ToUnixTimeMilliseconds()))]);
        _ = transaction.KeyExpireAsync(key, RebuiltFor);
        await transaction.ExecuteAsync();
    }

    /// <summary>Marks the space read now for the member (also when they post in it).</summary>
    public static Task MarkReadAsync(CommunityDbContext db, Guid member, Guid space, DateTimeOffset now, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"""
            INSERT INTO read_markers (member_id, space_id, read_at) VALUES ({member}, {space}, {now})
            ON CONFLICT (member_id, space_id) DO UPDATE SET read_at = greatest(read_markers.read_at, excluded.read_at)
            """, ct);
}

public static class UnreadEndpoints
{
    public static void MapUnreadEndpoints(this IEndpointRouteBuilder app)
    {
        var community = app.MapGroup(SpaceEndpoints.Route).WithTags("Unread").RequireAuthorization(Policies.Member);
        community.MapPost("/spaces/{id:guid}/read", MarkRead).WithName("MarkSpaceRead");
        community.MapGet("/me/unread", Unread).WithName("GetMyUnreadCounts");
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> MarkRead(Guid id, Caller caller, CommunityDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (caller.UserId is not { } member) return Problems.Forbidden("Only people read spaces.");
        if (!await db.ReadableSpaces(caller).AnyAsync(s => s.Id == id, ct)) return Problems.NotFound("Space", id);
        await UnreadCounts.MarkReadAsync(db, member, id, clock.GetUtcNow(), ct);
        return TypedResults.NoContent();
    }

    /// <summary>The unread counts of the spaces the member has read (and may still read), most unread first.</summary>
    internal static async Task<Results<Ok<List<UnreadResponse>>, ProblemHttpResult>> Unread(Caller caller, CommunityDbContext db, UnreadCounts unread, CancellationToken ct)
    {
        if (caller.UserId is not { } member) return Problems.Forbidden("Only people read spaces.");
        var readable = db.ReadableSpaces(caller).Select(s => s.Id);
        var markers = await db.ReadMarkers.AsNoTracking().Where(m => m.MemberId == member && readable.Contains(m.SpaceId)).ToListAsync(ct);
        var counts = await unread.CountAsync(db, markers, ct);
        return TypedResults.Ok(counts.OrderByDescending(c => c.Unread).ThenBy(c => c.SpaceId).ToList());
    }
}

internal sealed class ReadMarkerConfiguration : IEntityTypeConfiguration<ReadMarker>
{
    public void Configure(EntityTypeBuilder<ReadMarker> marker)
    {
        marker.ToTable("read_markers");
        marker.HasKey(m => new { m.MemberId, m.SpaceId });
    }
}
