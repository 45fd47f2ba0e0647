using System.Text.Json.Serialization;
using MenSI.Community.Spaces;
using MenSI.Community.Threads;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MenSI.Community.Profiles;

/// <summary>How a member appears in the community, chosen by the member (tokens carry no names).</summary>
public sealed class Profile
{
    public Guid MemberId { get; init; }
    public string DisplayName { get; set; } = "";
    public List<string> Languages { get; set; } = [];
    public DateTimeOffset UpdatedAt { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ProfileRequest(string? DisplayName, IReadOnlyList<string>? Languages);

public sealed record ProfileResponse(Guid MemberId, string DisplayName, IReadOnlyList<string> Languages, DateTimeOffset? UpdatedAt);

/// <summary>
/// Authors' names as readers see them: the profile's display name, "Member" for one who chose none, and "Former
/// member" for content whose author's data was erased.
/// </summary>
public static class Names
{
    public const string Anonymous = "Member";
    public const string Erased = "Former member";

    public static string Of(Guid? author, IReadOnlyDictionary<Guid, string> names) =>
        author is not { } id ? Erased : names.TryGetValue(id, out var name) ? name : Anonymous;

    public static async Task<IReadOnlyDictionary<Guid, string>> NamesAsync(this CommunityDbContext db, IEnumerable<Guid?> authors, CancellationToken ct)
    {
        var ids = authors.OfType<Guid>().Distinct().ToList();
        return await db.Profiles.AsNoTracking().Where(p => ids.Contains(p.MemberId)).ToDictionaryAsync(p => p.MemberId, p => p.DisplayName, ct);
    }

    /// <summary>A thread and its space, when the caller may read the space; (null, null) otherwise.</summary>
    public static async Task<(DiscussionThread?, Space?)> ReadableThreadAsync(this CommunityDbContext db, Caller caller, Guid threadId, CancellationToken ct)
    {
        var thread = await db.Threads.AsNoTracking().FirstOrDefaultAsync(t => t.Id == threadId, ct);
        var space = thread is null ? null : await db.ReadableSpaces(caller).FirstOrDefaultAsync(s => s.Id == thread.SpaceId, ct);
        return space is null ? (null, null) : (thread, space);
    }
}

public static class ProfileEndpoints
{
    public static void MapProfileEndpoints(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup(SpaceEndpoints.Route + "/me").WithTags("Profiles").RequireAuthorization(Policies.Member);
        me.MapGet("/profile", GetProfile).WithName("GetMyProfile");
        me.MapPut("/profile", PutProfile).WithName("PutMyProfile");
    }

    internal static async Task<Results<Ok<ProfileResponse>, ProblemHttpResult>> GetProfile(Caller caller, CommunityDbContext db, CancellationToken ct)
    {
        if (caller.UserId is not { } member) return Problems.Forbidden("Only people have a community profile.");
        var profile = await db.Profiles.AsNoTracking().FirstOrDefaultAsync(p => p.MemberId == member, ct);
        return TypedResults.Ok(profile is null ? new ProfileResponse(member, Names.Anonymous, [], null) : new ProfileResponse(member, profile.DisplayName, profile.Languages, profile.UpdatedAt));
    }

    internal static async Task<Results<Ok<ProfileResponse>, ValidationProblem, ProblemHttpResult>> PutProfile(
        ProfileRequest request, Caller caller, CommunityDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (caller.UserId is not { } member) return Problems.Forbidden("Only people have a community profile.");
        var errors = new Dictionary<string, string[]>();
        var name = request.DisplayName?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 60) errors["displayName"] = ["Required: 1 to 60 characters, as others will see you."];
        var languages = (request.Languages ?? []).Select(l => l?.Trim().ToLowerInvariant() ?? "").Distinct().ToList();
        if (languages.Any(l => !ThreadRules.Languages.Contains(l))) errors["languages"] = [$"Each one of the network's languages ({string.Join(", ", ThreadRules.Languages)})."];
        if (errors.Count > 0) return Problems.Validation(errors);

        var now = clock.GetUtcNow();
        var profile = await db.Profiles.FirstOrDefaultAsync(p => p.MemberId == member, ct);
        if (profile is null) db.Profiles.Add(profile = new Profile { MemberId = member });
        (profile.DisplayName, profile.Languages, profile.UpdatedAt) = (name!, languages, now);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new ProfileResponse(member, profile.DisplayName, profile.Languages, now));
    }
}

internal sealed class ProfileConfiguration : IEntityTypeConfiguration<Profile>
{
    public void Configure(EntityTypeBuilder<Profile> profile)
    {
        profile.ToTable("profiles");
        profile.HasKey(p => p.MemberId);
        profile.Property(p => p.DisplayName).HasMaxLength(60);
        profile.PrimitiveCollection(p => p.Languages);
    }
}
