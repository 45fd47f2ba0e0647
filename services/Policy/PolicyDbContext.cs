using MenSI.Policy.Documents;
using MenSI.Policy.Evidence;
using MenSI.Policy.Sessions;
using MenSI.Policy.Snapshots;
using MenSI.ServiceDefaults.Messaging;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Policy;

public sealed class PolicyDbContext(DbContextOptions<PolicyDbContext> options) : DbContext(options)
{
    public DbSet<LoggedEvent> EvidenceLog => Set<LoggedEvent>();
    public DbSet<SchoolFact> SchoolFacts => Set<SchoolFact>();
    public DbSet<ClusterFact> ClusterFacts => Set<ClusterFact>();
    public DbSet<ClusterStateFact> ClusterStateFacts => Set<ClusterStateFact>();
    public DbSet<MembershipFact> MembershipFacts => Set<MembershipFact>();
    public DbSet<ActivityFact> ActivityFacts => Set<ActivityFact>();
    public DbSet<AssessmentFact> AssessmentFacts => Set<AssessmentFact>();
    public DbSet<LearningFact> LearningFacts => Set<LearningFact>();
    public DbSet<CommunityFact> CommunityFacts => Set<CommunityFact>();
    public DbSet<Snapshot> Snapshots => Set<Snapshot>();
    public DbSet<PolicyDocument> Documents => Set<PolicyDocument>();
    public DbSet<DocumentVersion> DocumentVersions => Set<DocumentVersion>();
    public DbSet<Endorsement> Endorsements => Set<Endorsement>();
    public DbSet<Comment> Comments => Set<Comment>();
    public DbSet<ExchangeSession> Sessions => Set<ExchangeSession>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PolicyDbContext).Assembly);
        modelBuilder.AddOutboxAndInbox();
    }
}

internal sealed class PolicyDbContextFactory : MenSI.ServiceDefaults.Data.DesignTimeDbContextFactory<PolicyDbContext>;
