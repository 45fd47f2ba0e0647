using System.Net.Http.Json;
using MenSI.Testing;

namespace MenSI.EndToEnd.Tests;

/// <summary>
/// Community for the end-to-end rows, made through the gateway: a HU country space (which HU's ministry moderates),
/// a thread the teacher persona started, a resource and a webinar, and fresh posts written by the people in turn (each
/// member's posts per minute are limited). Every person publishes <see cref="TrustingPosts"/> posts first, so each is a
/// trusted member whatever order the rows run in; held content comes from a brand-new member each time.
/// </summary>
public sealed class CommunityScenario
{
    /// <summary>The service's default <c>Community:Trust:PublishedToTrust</c>.</summary>
    private const int TrustingPosts = 3;
    private HttpClient _admin = null!;
    private IReadOnlyList<HttpClient> _authors = [];
    private Func<Task<HttpClient>> _newcomer = null!;
    private int _next;

    public Guid ThisSpace { get; private set; }
    public Guid ThisThread { get; private set; }
    /// <summary>The teacher's opening post of <see cref="ThisThread"/>.</summary>
    public Guid ThisPost { get; private set; }
    public Guid ThisResource { get; private set; }
    public Guid ThisWebinar { get; private set; }

    public static async Task<CommunityScenario> CreateAsync(HttpClient admin, HttpClient teacher, IReadOnlyList<HttpClient> people, Func<Task<HttpClient>> newcomer)
    {
        var scenario = new CommunityScenario { _admin = admin, _authors = people, _newcomer = newcomer };
        scenario.ThisSpace = (await admin.PostAsJsonAsync("/api/v1/community/spaces", new { kind = "country", name = "Magyar tanárok", country = "HU" }).OkAsync()).Id();
        var started = await teacher.PostAsJsonAsync($"/api/v1/community/spaces/{scenario.ThisSpace}/threads",
            new { title = "Matrix thread", body = "Hogyan mentorálunk?", language = "hu", tags = new[] { "matrix" } }).OkAsync();
        scenario.ThisThread = started.GetProperty("thread").Id();
        scenario.ThisPost = started.GetProperty("posts").GetProperty("items")[0].Id();
        foreach (var person in people)
        {
            for (var i = 0; i < TrustingPosts; i++)
                await person.PostAsJsonAsync($"/api/v1/community/threads/{scenario.ThisThread}/posts", new { body = "Introducing myself." }).OkAsync();
        }

        scenario.ThisResource = await scenario.FreshResourceAsync();
        scenario.ThisWebinar = (await admin.PostAsJsonAsync($"/api/v1/community/spaces/{scenario.ThisSpace}/webinars", NewWebinar()).OkAsync()).Id();
        return scenario;
    }

    public static object NewThread() => new { title = "Matrix question", body = "What works?", language = "en" };

    public static object NewResource() => new { title = "Matrix guide", url = "https://example.org/matrix", type = "article", licence = "CC-BY-4.0", language = "en" };

    public static object NewWebinar() => new
    {
        title = "Matrix webinar", startsAt = $"{DateTime.UtcNow.Year + 1}-02-10T16:00:00", timeZone = "Europe/Budapest", durationMinutes = 60, capacity = 1000,
    };

    /// <summary>A new reply in <see cref="ThisThread"/>, by the next person in turn.</summary>
    public async Task<Guid> FreshPostAsync()
    {
        var author = _authors[_next++ % _authors.Count];
        return (await author.PostAsJsonAsync($"/api/v1/community/threads/{ThisThread}/posts", new { body = "A fresh reply." }).OkAsync()).Id();
    }

    public async Task<Guid> FreshHiddenPostAsync() => await HiddenAsync("posts", await FreshPostAsync());

    /// <summary>A reply with a link by a brand-new member: held for approval.</summary>
    public async Task<Guid> FreshHeldPostAsync()
    {
        using var newcomer = await _newcomer();
        return (await newcomer.PostAsJsonAsync($"/api/v1/community/threads/{ThisThread}/posts", new { body = "See https://example.org" }).OkAsync()).Id();
    }

    public async Task<Guid> FreshResourceAsync() =>
        (await _admin.PostAsJsonAsync($"/api/v1/community/spaces/{ThisSpace}/resources", NewResource()).OkAsync()).Id();

    public async Task<Guid> FreshHiddenResourceAsync() => await HiddenAsync("resources", await FreshResourceAsync());

    /// <summary>A resource shared by a brand-new member: held for approval.</summary>
    public async Task<Guid> FreshHeldResourceAsync()
    {
        using var newcomer = await _newcomer();
        return (await newcomer.PostAsJsonAsync($"/api/v1/community/spaces/{ThisSpace}/resources", NewResource()).OkAsync()).Id();
    }

    private async Task<Guid> HiddenAsync(string kind, Guid id)
    {
        await _admin.PostAsJsonAsync($"/api/v1/community/{kind}/{id}/hide", new { reason = "Matrix" }).OkAsync();
        return id;
    }
}
