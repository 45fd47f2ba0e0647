using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Contracts.Clusters;
using MenSI.Testing;
using MenSI.Testing.Security;
using Xunit;

namespace MenSI.Community.Tests;

/// <summary>One Community service for the assembly. Clusters reach it the only way they can: as Clusters' events on the broker.</summary>
public sealed class CommunityFixture : ServiceFixture<CommunityDbContext>
{
    public const int PostsPerMinute = 4;

    protected override string DatabaseName => "community-db";

    protected override void Configure(IDictionary<string, string?> configuration) =>
        configuration["Community:Posting:PerMinute"] = PostsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A new person of their own (so posting limits never collide): a teacher, of <paramref name="schoolId"/> when given.</summary>
    public Task<HttpClient> MemberAsync(Guid? schoolId = null, string role = "teacher", string? country = null) =>
        NewPersonAsync(new Persona(role, country, schoolId));

    /// <summary>A cluster as Clusters announces it: formed around <paramref name="mentor"/> in <paramref name="country"/>.</summary>
    public Task FormClusterAsync(Guid cluster, Guid mentor, string country) =>
        PublishAsync(new ClusterFormed(Guid.CreateVersion7(), DateTimeOffset.UtcNow, cluster, country, mentor, "top-down", "ministry", "voluntary", 1));
}

[CollectionDefinition(Name)]
public sealed class CommunityCollection : ICollectionFixture<CommunityFixture>
{
    public const string Name = "community";
}

public static class CommunityCalls
{
    public static async Task<Guid> OpenSpaceAsync(this HttpClient admin, string kind = "public", string? country = null, string? theme = null) =>
        (await admin.PostAsJsonAsync("/api/v1/community/spaces", new { kind, name = $"Space {Guid.NewGuid():N}"[..20], description = "For tests", country, theme }).OkAsync())
        .GetProperty("id").GetGuid();

    public static Task<JsonElement> StartThreadAsync(this HttpClient member, Guid space, string title, string body, string language = "en", string[]? tags = null) =>
        member.PostAsJsonAsync($"/api/v1/community/spaces/{space}/threads", new { title, body, language, tags = tags ?? [] }).OkAsync();
}
