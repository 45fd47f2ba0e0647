using MenSI.Contracts.Clusters;
using MenSI.ServiceDefaults.Messaging;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Community.Spaces;

// A cluster's private space follows the cluster's events, in any order: each event creates the space if it is the
// first to arrive, and a school's membership follows the highest cluster version seen for that school.

public sealed class ClusterFormedConsumer(CommunityDbContext db, ILogger<ClusterFormedConsumer> logger)
    : InboxBatchConsumer<ClusterFormed, CommunityDbContext>(db, logger)
{
    protected override string InboxName => "ClusterFormedConsumer";

    protected override async Task HandleAsync(IReadOnlyList<ClusterFormed> events, CancellationToken cancellationToken)
    {
        await ClusterSpaces.EnsureAsync(Db, events.Select(e => (e.ClusterId, (string?)e.Country, e.OccurredAt)), cancellationToken);
        await ClusterSpaces.FoldMembersAsync(Db, events.Select(e => (e.ClusterId, e.MentorSchoolId, true, e.Version)), cancellationToken);
    }
}

public sealed class SchoolJoinedClusterConsumer(CommunityDbContext db, ILogger<SchoolJoinedClusterConsumer> logger)
    : InboxBatchConsumer<SchoolJoinedCluster, CommunityDbContext>(db, logger)
{
    protected override string InboxName => "SchoolJoinedClusterConsumer";

    protected override async Task HandleAsync(IReadOnlyList<SchoolJoinedCluster> events, CancellationToken cancellationToken)
    {
        await ClusterSpaces.EnsureAsync(Db, events.Select(e => (e.ClusterId, (string?)null, e.OccurredAt)), cancellationToken);
        await ClusterSpaces.FoldMembersAsync(Db, events.Select(e => (e.ClusterId, e.SchoolId, true, e.Version)), cancellationToken);
    }
}

public sealed class SchoolLeftClusterConsumer(CommunityDbContext db, ILogger<SchoolLeftClusterConsumer> logger)
    : InboxBatchConsumer<SchoolLeftCluster, CommunityDbContext>(db, logger)
{
    protected override string InboxName => "SchoolLeftClusterConsumer";

    protected override async Task HandleAsync(IReadOnlyList<SchoolLeftCluster> events, CancellationToken cancellationToken)
    {
        await ClusterSpaces.EnsureAsync(Db, events.Select(e => (e.ClusterId, (string?)null, e.OccurredAt)), cancellationToken);
        await ClusterSpaces.FoldMembersAsync(Db, events.Select(e => (e.ClusterId, e.SchoolId, false, e.Version)), cancellationToken);
    }
}

internal static class ClusterSpaces
{
    /// <summary>The inbox names of the consumers above: a rebuild forgets what they handled, so a replay counts again.</summary>
    public static readonly string[] Consumers = ["ClusterFormedConsumer", "SchoolJoinedClusterConsumer", "SchoolLeftClusterConsumer"];

    /// <summary>Creates the clusters' spaces that do not exist yet; a known country fills one that was created without it.</summary>
    public static Task EnsureAsync(CommunityDbContext db, IEnumerable<(Guid ClusterId, string? Country, DateTimeOffset At)> clusters, CancellationToken ct)
    {
        var list = clusters.GroupBy(c => c.ClusterId).Select(g => g.OrderByDescending(c => c.Country is not null).First()).ToList();
        var ids = list.Select(c => c.ClusterId).ToArray();
        var names = list.Select(c => $"Cluster {c.ClusterId.ToString("N")[..8]}").ToArray();
        var countries = list.Select(c => c.Country).ToArray();
        var times = list.Select(c => c.At).ToArray();
        return db.Database.ExecuteSqlAsync($"""
            INSERT INTO spaces (id, kind, name, description, country, thread_count, created_at, last_activity_at)
            SELECT id, 'Cluster', name, 'The private space of a mentoring cluster: its schools and its ministry.', country, 0, at, at
            FROM unnest({ids}, {names}, {countries}, {times}) AS t(id, name, country, at)
            ON CONFLICT (id) DO UPDATE SET country = coalesce(spaces.country, excluded.country)
            """, ct);
    }

    public static Task FoldMembersAsync(CommunityDbContext db, IEnumerable<(Guid ClusterId, Guid SchoolId, bool IsMember, int Version)> facts, CancellationToken ct)
    {
        var latest = facts.GroupBy(f => (f.ClusterId, f.SchoolId)).Select(g => g.MaxBy(f => f.Version)).ToList();
        return db.Database.ExecuteSqlAsync($"""
            INSERT INTO cluster_schools (cluster_id, school_id, is_member, version)
            SELECT * FROM unnest({latest.Select(f => f.ClusterId).ToArray()}, {latest.Select(f => f.SchoolId).ToArray()},
                                 {latest.Select(f => f.IsMember).ToArray()}, {latest.Select(f => f.Version).ToArray()})
            ON CONFLICT (cluster_id, school_id) DO UPDATE SET is_member = excluded.is_member, version = excluded.version
            WHERE cluster_schools.version < excluded.version
            """, ct);
    }
}
