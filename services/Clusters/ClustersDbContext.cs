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

    /// <summary>The active cluster (other than <paramref name="exceptCluster"/>) the school is a mentee of, if any.</summary>
    public Task<Guid?> ActiveClusterOfMenteeAsync(Guid schoolId, Guid exceptCluster, CancellationToken cancellationToken) =>
        ClusterMembers.AsNoTracking()
            .Where(m => m.SchoolId == schoolId && m.InActiveCluster && m.Role == MemberRole.Mentee && m.ClusterId != exceptCluster)
            .Select(m => (Guid?)m.ClusterId).FirstOrDefaultAsync(cancellationToken);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ClustersDbContext).Assembly);
        modelBuilder.AddOutboxAndInbox();
    }
}

internal sealed class ClustersDbContextFactory : MenSI.ServiceDefaults.Data.DesignTimeDbContextFactory<ClustersDbContext>;
