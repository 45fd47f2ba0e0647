using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MenSI.Policy.Documents;

public enum DocumentKind { Challenge, CaseStudy, Recommendation, Guideline }

public enum VersionState { Draft, InReview, Published, Superseded, Withdrawn }

public enum Audience { Ministries, SchoolLeaders, Teachers }

/// <summary>
/// A policy challenge, case study, recommendation or guideline, for a country or (country null) the network. Its text
/// lives in numbered <see cref="DocumentVersion"/>s: a published version never changes, a change is a new draft.
/// </summary>
public sealed class PolicyDocument
{
    public Guid Id { get; init; }
    public DocumentKind Kind { get; init; }
    public string? Country { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public Guid? CreatedBy { get; set; }
    public int LatestVersion { get; set; }
    public int? PublishedVersion { get; set; }
}

public sealed class DocumentVersion
{
    public Guid DocumentId { get; init; }
    public int Number { get; init; }
    public VersionState State { get; set; }
    public string Title { get; set; } = "";
    public string Summary { get; set; } = "";
    /// <summary>Markdown (a case study's findings, a recommendation's text); <see cref="Html"/> is it rendered and sanitised.</summary>
    public string Body { get; set; } = "";
    public string Html { get; set; } = "";
    public List<Audience> Audience { get; set; } = [];
    public string? Approach { get; set; }
    public List<Guid> ClusterIds { get; set; } = [];
    public List<string> EvidenceLinks { get; set; } = [];
    public List<Guid> CitedSnapshotIds { get; set; } = [];
    /// <summary>+1 per edit of a draft: the ETag.</summary>
    public int Revision { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    public string SearchText { get; set; } = "";
}

/// <summary>A country's endorsement of another country's published recommendation or guideline (one per country).</summary>
public sealed class Endorsement
{
    public Guid DocumentId { get; init; }
    public string Country { get; init; } = "";
    public Guid? OfficerId { get; set; }
    public DateTimeOffset At { get; init; }
}

/// <summary>A ministry officer's (or admin's) comment on a published version, for policy makers only.</summary>
public sealed class Comment
{
    public Guid Id { get; init; }
    public Guid DocumentId { get; init; }
    public int Version { get; init; }
    public string? Country { get; init; }
    public Guid? AuthorId { get; set; }
    public string Body { get; init; } = "";
    public DateTimeOffset At { get; init; }
}

/// <summary>Who may do what with a document: pure rules over the caller's token and the document.</summary>
public static class DocumentRules
{
    public const int MaxTitleLength = 200, MaxSummaryLength = 2000, MaxBodyLength = 50_000, MaxLinks = 20, MaxCitations = 20, MaxClusters = 50;

    /// <summary>Drafts and the workflow: admins, and the ministry of the document's country (network-wide ones: admins only).</summary>
    public static bool MayAuthor(Caller caller, string? country) =>
        caller.IsNetworkAdmin || (country is not null && caller.IsMinistryOfficerOf(country));

    /// <summary>Endorsing is for another country's ministry officers, on a published recommendation or guideline.</summary>
    public static RuleViolation? ForbidsEndorsement(Caller caller, PolicyDocument document)
    {
        if (document.Kind is not (DocumentKind.Recommendation or DocumentKind.Guideline))
            return new("endorse-recommendations-only", "Only recommendations and guidelines are endorsed.", 422);
        if (document.PublishedVersion is null) return new("not-published", "Only a published document is endorsed.");
        if (caller.Country is null || caller.Country == document.Country)
            return new("endorse-other-countries", "A ministry endorses other countries' recommendations, not its own.", 422);
        return null;
    }

    /// <summary>What each workflow step needs: submit a draft, return or publish one in review, withdraw a published one.</summary>
    public static RuleViolation? Forbids(string step, VersionState state) => (step, state) switch
    {
        ("submit", VersionState.Draft) or ("return", VersionState.InReview) or ("publish", VersionState.InReview) or ("withdraw", VersionState.Published) => null,
        _ => new("workflow", $"A version that is {WireEnum.Name(state)} cannot be {Past(step)}: drafts are submitted, versions in review returned or published, published ones withdrawn."),
    };

    private static string Past(string step) => step switch { "submit" => "submitted", "return" => "returned", "publish" => "published", _ => "withdrawn" };
}

internal sealed class DocumentConfiguration :
    IEntityTypeConfiguration<PolicyDocument>, IEntityTypeConfiguration<DocumentVersion>, IEntityTypeConfiguration<Endorsement>, IEntityTypeConfiguration<Comment>
{
    public void Configure(EntityTypeBuilder<PolicyDocument> document)
    {
        document.ToTable("documents");
        document.HasKey(d => d.Id);
        document.Property(d => d.Kind).HasConversion<string>().HasMaxLength(20);
        document.Property(d => d.Country).HasMaxLength(2).IsFixedLength();
        document.Property(d => d.LatestVersion).IsConcurrencyToken();
        document.HasIndex(d => new { d.Country, d.Kind });
    }

    public void Configure(EntityTypeBuilder<DocumentVersion> version)
    {
        version.ToTable("document_versions");
        version.HasKey(v => new { v.DocumentId, v.Number });
        version.Property(v => v.State).HasConversion<string>().HasMaxLength(12);
        version.Property(v => v.Title).HasMaxLength(DocumentRules.MaxTitleLength);
        version.Property(v => v.Summary).HasMaxLength(DocumentRules.MaxSummaryLength);
        version.Property(v => v.Body).HasMaxLength(DocumentRules.MaxBodyLength);
        version.Property(v => v.Approach).HasMaxLength(16);
        version.Property(v => v.Audience).HasConversion(
            a => a.Select(x => x.ToString()).ToList(), s => s.Select(Enum.Parse<Audience>).ToList(),
            new Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<List<Audience>>((a, b) => a!.SequenceEqual(b!), a => a.Count, a => a.ToList()));
        version.PrimitiveCollection(v => v.ClusterIds);
        version.PrimitiveCollection(v => v.EvidenceLinks);
        version.PrimitiveCollection(v => v.CitedSnapshotIds);
        version.Property(v => v.Revision).IsConcurrencyToken();
    }

    public void Configure(EntityTypeBuilder<Endorsement> endorsement)
    {
        endorsement.ToTable("endorsements");
        endorsement.HasKey(e => new { e.DocumentId, e.Country });
        endorsement.Property(e => e.Country).HasMaxLength(2).IsFixedLength();
    }

    public void Configure(EntityTypeBuilder<Comment> comment)
    {
        comment.ToTable("comments");
        comment.HasKey(c => c.Id);
        comment.Property(c => c.Country).HasMaxLength(2).IsFixedLength();
        comment.Property(c => c.Body).HasMaxLength(4000);
        comment.HasIndex(c => new { c.DocumentId, c.At });
    }
}
