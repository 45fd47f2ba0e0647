using MenSI.Clusters.Activities;
using MenSI.Clusters.Clusters;
using MenSI.Clusters.Diary;
using MenSI.Clusters.Plans;
using MenSI.Clusters.Schools;
using MenSI.ServiceDefaults.Messaging;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Clusters;

public sealed class ClustersDbContext(DbContextOptions<ClustersDbContext> options) : DbContext(options)
{
    public DbSet<SchoolSnapshot> SchoolSnapshots => Set<SchoolSnapshot>();
    public DbSet<Cluster> Clusters => Set<Cluster>();
    public DbSet<ClusterMember> ClusterMembers => Set<ClusterMember>();
    public DbSet<MentoringActivity> Activities => Set<MentoringActivity>();
    public DbSet<Goal> Goals => Set<Goal>();
    public DbSet<DiaryEntry> DiaryEntries => Set<DiaryEntry>();

    /// <summary>A cluster with its members, read-only: what every endpoint working inside a cluster reads first.</summary>
    public Task<Cluster?> ReadClusterAsync(Guid id, CancellationToken cancellationToken) =>
        Clusters.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);

    /// <summary>Which of these schools are mentees of an active cluster other than <paramref name="exceptCluster"/>, and of which.</summary>
    public Task<Dictionary<Guid, Guid>> BusyMenteesAsync(IReadOnlyCollection<Guid> schoolIds, Guid exceptCluster, CancellationToken cancellationToken) =>
        ClusterMembers.AsNoTracking()
            .Where(m => schoolIds.Contains(m.SchoolId) && m.InActiveCluster && m.Role == MemberRole.Mentee && m.ClusterId != exceptCluster)
            .ToDictionaryAsync(m => m.SchoolId, m => m.ClusterId, cancellationToken);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ClustersDbContext).Assembly);
        modelBuilder.AddOutboxAndInbox();
    }
}

internal sealed class ClustersDbContextFactory : MenSI.ServiceDefaults.Data.DesignTimeDbContextFactory<ClustersDbContext>;
