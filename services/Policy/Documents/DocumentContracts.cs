using System.Text.Json.Serialization;
using MenSI.Policy.Evidence;
using MenSI.ServiceDefaults;
using MenSI.ServiceDefaults.Http;

namespace MenSI.Policy.Documents;

/// <summary>A document's content: what every version carries. Which fields a kind needs is checked by <see cref="Check"/>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record DocumentContent(
    string? Title, string? Summary, string? Body, IReadOnlyList<Audience>? Audience, string? Approach, IReadOnlyList<Guid>? ClusterIds,
    IReadOnlyList<string>? EvidenceLinks, IReadOnlyList<Guid>? CitedSnapshotIds)
{
    public void Check(DocumentKind kind, IDictionary<string, string[]> errors)
    {
        if (Title?.Trim() is not { Length: > 0 and <= DocumentRules.MaxTitleLength }) errors["title"] = [$"Required: 1 to {DocumentRules.MaxTitleLength} characters."];
        if (Summary?.Length > DocumentRules.MaxSummaryLength) errors["summary"] = [$"At most {DocumentRules.MaxSummaryLength} characters."];
        if (Body is not { Length: <= DocumentRules.MaxBodyLength } || string.IsNullOrWhiteSpace(Body)) errors["body"] = [$"Required: Markdown, at most {DocumentRules.MaxBodyLength} characters."];
        if (kind is DocumentKind.Recommendation or DocumentKind.Guideline && Audience is not { Count: > 0 })
            errors["audience"] = [$"Required for a {WireEnum.Name(kind)}: one or more of {WireEnum.Values<Audience>()}."];
        if (kind == DocumentKind.CaseStudy && (Approach is null || !Indicators.Approaches.Contains(Approach)))
            errors["approach"] = [$"Required for a case study: one of {string.Join(", ", Indicators.Approaches)}."];
        else if (kind != DocumentKind.CaseStudy && Approach is not null && !Indicators.Approaches.Contains(Approach))
            errors["approach"] = [$"One of {string.Join(", ", Indicators.Approaches)}."];
        if (kind == DocumentKind.CaseStudy && ClusterIds is not { Count: > 0 and <= DocumentRules.MaxClusters })
            errors["clusterIds"] = [$"Required for a case study: the 1 to {DocumentRules.MaxClusters} clusters it studies."];
        if (EvidenceLinks?.Count > DocumentRules.MaxLinks) errors["evidenceLinks"] = [$"At most {DocumentRules.MaxLinks}."];
        for (var i = 0; i < (EvidenceLinks?.Count ?? 0); i++)
        {
            if (!WebAddress.IsValid(EvidenceLinks![i], 2000))
                errors[$"evidenceLinks[{i}]"] = ["An absolute http or https address."];
        }

        if (CitedSnapshotIds?.Count > DocumentRules.MaxCitations) errors["citedSnapshotIds"] = [$"At most {DocumentRules.MaxCitations}."];
    }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateDocumentRequest(DocumentKind? Kind, string? Country, DocumentContent? Content);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CommentRequest(string? Body);

public sealed record Citation(Guid SnapshotId, string Title, DateOnly AsOf, DateTimeOffset TakenAt, string Href);

public sealed record VersionResponse(
    int Number, VersionState State, string Title, string Summary, string Body, string Html, IReadOnlyList<Audience> Audience, string? Approach,
    IReadOnlyList<Guid> ClusterIds, IReadOnlyList<string> EvidenceLinks, IReadOnlyList<Citation> Citations, int Revision, DateTimeOffset UpdatedAt, DateTimeOffset? PublishedAt);

public sealed record DocumentResponse(
    Guid Id, DocumentKind Kind, string? Country, int LatestVersion, int? PublishedVersion, IReadOnlyList<string> EndorsedBy, bool MayAuthor, VersionResponse Version);

public sealed record DocumentSummary(Guid Id, DocumentKind Kind, string? Country, int Version, VersionState State, string Title, string Summary, DateTimeOffset UpdatedAt);

public sealed record DocumentQuery(string? Q, string? Kind, string? Country, string? Audience, int? Page, int? PageSize);

public sealed record CommentResponse(Guid Id, int Version, string? Country, string Body, DateTimeOffset At);

/// <summary>What changed between two versions: each changed field with both values, and the body line by line.</summary>
public sealed record DiffResponse(int From, int To, IReadOnlyList<FieldChange> Fields, IReadOnlyList<LineChange> Body);

public sealed record FieldChange(string Field, object? From, object? To);
