using MenSI.Clusters.Clusters;
using MenSI.ServiceDefaults.Messaging;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Clusters.Schools;

/// <summary>
/// What clusters do when the Registry suspends, withdraws or reinstates one of their schools (<see cref="ClusterRules.ReactionTo"/>):
/// a forming cluster lets the mentee go, an active one flags it for its coordinators; each change is published.
/// </summary>
public sealed partial class SchoolReactions(ClustersDbContext db, TimeProvider clock, ILogger<SchoolReactions> logger)
{
    public async Task ReactAsync(Guid schoolId, SchoolStatus status, DateTimeOffset changedAt, CancellationToken cancellationToken)
    {
        var at = clock.GetUtcNow();
        var clusters = await db.Clusters
            .Where(c => (c.Status == ClusterStatus.Forming || c.Status == ClusterStatus.Active)
                        && c.Members.Any(m => m.SchoolId == schoolId && m.LeftAt == null))
            .ToListAsync(cancellationToken);
        foreach (var cluster in clusters)
        {
            var member = cluster.CurrentMember(schoolId)!;
            var reaction = ClusterRules.ReactionTo(cluster, member, status, changedAt);
            switch (reaction)
            {
                case SchoolReaction.Leave:
                    db.AddIntegrationEvent(cluster.RemoveMember(member, ClusterRules.FlagFor(status), at));
                    break;
                case SchoolReaction.Flag:
                    db.AddIntegrationEvent(cluster.Flag(member, ClusterRules.FlagFor(status), at));
                    break;
                case SchoolReaction.ClearFlag:
                    db.AddIntegrationEvent(cluster.Flag(member, MemberFlag.None, at));
                    break;
                default:
                    continue;
            }

            Reacted(cluster.Id, schoolId, status.ToString(), reaction.ToString());
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster {ClusterId}: school {SchoolId} is now {Status} in the Registry; {Reaction}")]
    private partial void Reacted(Guid clusterId, Guid schoolId, string status, string reaction);
}
