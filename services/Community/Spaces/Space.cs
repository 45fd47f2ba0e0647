using MenSI.ServiceDefaults.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MenSI.Community.Spaces;

public enum SpaceKind { Public, Country, Theme, Cluster }

/// <summary>
/// Where members talk: network-wide (public), per country, per theme, and one private space per cluster. A cluster's
/// space has the cluster's id, so whichever of the cluster's events arrives first creates it, and its members are the
/// cluster's current schools (<see cref="ClusterSchool"/>) and the ministry of its country.
/// </summary>
public sealed class Space
{
    private Space() { }

    public Guid Id { get; private set; }
    public SpaceKind Kind { get; private set; }
    public string Name { get; private set; } = "";
    public string Description { get; private set; } = "";
    /// <summary>A country space's country; a cluster space's home country (null until <c>ClusterFormed</c> arrives).</summary>
    public string? Country { get; private set; }
    public string? Theme { get; private set; }
    public int ThreadCount { get; internal set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset LastActivityAt { get; internal set; }

    public static Space Open(SpaceKind kind, string name, string description, string? country, string? theme, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now), Kind = kind, Name = name, Description = description, Country = country, Theme = theme,
        CreatedAt = now, LastActivityAt = now,
    };
}

/// <summary>A school's membership of a cluster, as the cluster's events tell it: the newest version of the pair wins.</summary>
public sealed class ClusterSchool
{
    public Guid ClusterId { get; init; }
    public Guid SchoolId { get; init; }
    public bool IsMember { get; init; }
    public int Version { get; init; }
}

/// <summary>Who may do what in a space: pure rules over the caller's token and the space.</summary>
public static class SpaceRules
{
    public const int MaxNameLength = 120, MaxDescriptionLength = 2000;

    /// <summary>Open spaces are for every signed-in member; a cluster's only for its schools' people, its ministry and admins.</summary>
    public static bool MayRead(Caller caller, Space space, bool callersSchoolIsMember) =>
        space.Kind != SpaceKind.Cluster || MayModerate(caller, space) || callersSchoolIsMember;

    /// <summary>Network admins everywhere; ministry officers in their country's spaces (country spaces, their clusters').</summary>
    public static bool MayModerate(Caller caller, Space space) =>
        caller.IsNetworkAdmin || (space.Country is { } country && caller.IsMinistryOfficerOf(country));

    public static bool MayOpen(Caller caller, SpaceKind kind, string? country) => kind switch
    {
        SpaceKind.Public or SpaceKind.Theme => caller.IsNetworkAdmin,
        SpaceKind.Country => country is not null && caller.MayManageCountry(country),
        _ => false,
    };
}

internal sealed class SpaceConfiguration : IEntityTypeConfiguration<Space>, IEntityTypeConfiguration<ClusterSchool>
{
    public void Configure(EntityTypeBuilder<Space> space)
    {
        space.ToTable("spaces");
        space.HasKey(s => s.Id);
        space.Property(s => s.Kind).HasConversion<string>().HasMaxLength(16);
        space.Property(s => s.Name).HasMaxLength(SpaceRules.MaxNameLength);
        space.Property(s => s.Description).HasMaxLength(SpaceRules.MaxDescriptionLength);
        space.Property(s => s.Country).HasMaxLength(2).IsFixedLength();
        space.Property(s => s.Theme).HasMaxLength(60);
        space.HasIndex(s => new { s.Kind, s.Country });
    }

    public void Configure(EntityTypeBuilder<ClusterSchool> member)
    {
        member.ToTable("cluster_schools");
        member.HasKey(m => new { m.ClusterId, m.SchoolId });
        member.HasIndex(m => new { m.SchoolId, m.IsMember });
    }
}
