using MenSI.Community.Moderation;
using MenSI.Community.Profiles;
using MenSI.Community.Resources;
using MenSI.Community.Webinars;
using MenSI.Community.Spaces;
using MenSI.Community.Threads;
using MenSI.Community.Unread;
using MenSI.ServiceDefaults.Messaging;
using MenSI.ServiceDefaults.Security;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Community;

public sealed class CommunityDbContext(DbContextOptions<CommunityDbContext> options) : DbContext(options)
{
    public DbSet<Space> Spaces => Set<Space>();
    public DbSet<ClusterSchool> ClusterSchools => Set<ClusterSchool>();
    public DbSet<DiscussionThread> Threads => Set<DiscussionThread>();
    public DbSet<Post> Posts => Set<Post>();
    public DbSet<PostRevision> PostRevisions => Set<PostRevision>();
    public DbSet<Reaction> Reactions => Set<Reaction>();
    public DbSet<Report> Reports => Set<Report>();
    public DbSet<Profile> Profiles => Set<Profile>();
    public DbSet<ReadMarker> ReadMarkers => Set<ReadMarker>();
    public DbSet<Resource> Resources => Set<Resource>();
    public DbSet<Webinar> Webinars => Set<Webinar>();
    public DbSet<Rsvp> Rsvps => Set<Rsvp>();

    /// <summary>The spaces the caller may read: every open one, and the cluster spaces of their school, country (ministry) or all (admins).</summary>
    public IQueryable<Space> ReadableSpaces(Caller caller)
    {
        var spaces = Spaces.AsNoTracking();
        if (caller.IsNetworkAdmin) return spaces;
        var officerOf = caller.Roles.Contains(Roles.MinistryOfficer) ? caller.Country : null;
        var school = caller.SchoolId;
        return spaces.Where(s => s.Kind != SpaceKind.Cluster
                                 || (officerOf != null && s.Country == officerOf)
                                 || (school != null && ClusterSchools.Any(m => m.ClusterId == s.Id && m.SchoolId == school && m.IsMember)));
    }

    /// <summary>Something was published in the space: lists order spaces by it.</summary>
    public Task TouchSpaceAsync(Guid space, DateTimeOffset now, CancellationToken ct) =>
        Spaces.Where(s => s.Id == space).ExecuteUpdateAsync(s => s.SetProperty(x => x.LastActivityAt, now), ct);

    /// <summary>The spaces whose hidden and held content the caller sees and decides on: all for admins, their country's for ministry officers.</summary>
    public IQueryable<Guid> ModeratedSpaceIds(Caller caller)
    {
        var officerOf = caller.Roles.Contains(Roles.MinistryOfficer) ? caller.Country : null;
        return Spaces.Where(s => caller.IsNetworkAdmin || (officerOf != null && s.Country == officerOf)).Select(s => s.Id);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CommunityDbContext).Assembly);
        modelBuilder.AddOutboxAndInbox();
    }
}

internal sealed class CommunityDbContextFactory : MenSI.ServiceDefaults.Data.DesignTimeDbContextFactory<CommunityDbContext>;
