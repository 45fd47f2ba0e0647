using System.Text.Json.Serialization;
using MenSI.Community.Threads;
using MenSI.ServiceDefaults;
using MenSI.ServiceDefaults.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MenSI.Community.Resources;

public enum ResourceType { Article, Video, LessonPlan, Tool, Dataset, Course, Other }

/// <summary>
/// A resource a member shares in a space: a link with its type, licence, language, tags and the country it is about.
/// Moderated like a post; a new member's resource waits for approval (see <see cref="Moderation.Trust"/>).
/// <see cref="SearchText"/> feeds the same two full-text vectors as posts (migration <c>Resources</c>).
/// </summary>
public sealed class Resource
{
    public Guid Id { get; init; }
    public Guid SpaceId { get; init; }
    public string Title { get; init; } = "";
    public string Url { get; init; } = "";
    public string Description { get; init; } = "";
    public ResourceType Type { get; init; }
    public string Licence { get; init; } = "";
    public string Language { get; init; } = "";
    public List<string> Tags { get; init; } = [];
    public string? Country { get; init; }
    public Guid? SharedBy { get; set; }
    public DateTimeOffset SharedAt { get; init; }
    public bool Hidden { get; set; }
    public bool AwaitingApproval { get; set; }
    public string? ModerationReason { get; set; }
    public string SearchText { get; init; } = "";
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ShareResourceRequest(
    string? Title, string? Url, string? Description, ResourceType? Type, string? Licence, string? Language, IReadOnlyList<string>? Tags, string? Country)
{
    public const int MaxTitleLength = 200, MaxUrlLength = 2000, MaxDescriptionLength = 2000;

    public IDictionary<string, string[]> Check(out string title, out Uri url, out string language, out List<string> tags, out string licence)
    {
        var errors = new Dictionary<string, string[]>();
        title = Title?.Trim() ?? "";
        if (title.Length is 0 or > MaxTitleLength) errors["title"] = [$"Required: 1 to {MaxTitleLength} characters."];
        if (!WebAddress.TryParse(Url?.Trim(), MaxUrlLength, out url))
            errors["url"] = [$"Required: an absolute http or https address of at most {MaxUrlLength} characters."];
        if (Description?.Length > MaxDescriptionLength) errors["description"] = [$"At most {MaxDescriptionLength} characters."];
        if (Type is null) errors["type"] = [$"Required: one of {WireEnum.Values<ResourceType>()}."];
        licence = Licences.Check(Licence, "licence", errors) ?? "";
        language = ThreadRules.CheckLanguage(Language, errors) ?? "";
        tags = ThreadRules.CheckTags(Tags, errors);
        if (Country is not null && !Countries.IsEuropean(Country)) errors["country"] = [Countries.Invalid];
        return errors;
    }
}

public sealed record ResourceResponse(
    Guid Id, Guid SpaceId, string Title, string Url, string Description, ResourceType Type, string Licence, string Language, IReadOnlyList<string> Tags,
    string? Country, string SharedBy, bool ByYou, DateTimeOffset SharedAt, bool Hidden, bool AwaitingApproval);

public sealed record ResourceQuery(string? Q, Guid? SpaceId, string? Type, string? Licence, string? Language, string? Tag, string? Country, int? Page, int? PageSize);

internal sealed class ResourceConfiguration : IEntityTypeConfiguration<Resource>
{
    public void Configure(EntityTypeBuilder<Resource> resource)
    {
        resource.ToTable("resources");
        resource.HasKey(r => r.Id);
        resource.Property(r => r.Title).HasMaxLength(ShareResourceRequest.MaxTitleLength);
        resource.Property(r => r.Url).HasMaxLength(ShareResourceRequest.MaxUrlLength);
        resource.Property(r => r.Description).HasMaxLength(ShareResourceRequest.MaxDescriptionLength);
        resource.Property(r => r.Type).HasConversion<string>().HasMaxLength(16);
        resource.Property(r => r.Licence).HasMaxLength(32);
        resource.Property(r => r.Language).HasMaxLength(2).IsFixedLength();
        resource.Property(r => r.Country).HasMaxLength(2).IsFixedLength();
        resource.Property(r => r.ModerationReason).HasMaxLength(500);
        resource.PrimitiveCollection(r => r.Tags);
        resource.HasIndex(r => new { r.SpaceId, r.SharedAt });
        resource.HasIndex(r => r.SharedAt);
        resource.HasIndex(r => r.SharedBy);
    }
}
