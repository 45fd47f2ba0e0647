using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Testing;

namespace MenSI.EndToEnd.Tests;

/// <summary>
/// Community for the end-to-end rows, made through the gateway: a HU country space (which HU's ministry moderates),
/// a thread the teacher persona started, and fresh posts written by the people in turn (each member's posts per
/// minute are limited).
/// </summary>
public sealed class CommunityScenario
{
    private HttpClient _admin = null!;
    private IReadOnlyList<HttpClient> _authors = [];
    private int _next;

    public Guid ThisSpace { get; private set; }
    public Guid ThisThread { get; private set; }
    /// <summary>The teacher's opening post of <see cref="ThisThread"/>.</summary>
    public Guid ThisPost { get; private set; }

    public static async Task<CommunityScenario> CreateAsync(HttpClient admin, HttpClient teacher, IReadOnlyList<HttpClient> people)
    {
        var scenario = new CommunityScenario { _admin = admin, _authors = people };
        scenario.ThisSpace = (await JsonRequests.OkAsync(admin.PostAsJsonAsync("/api/v1/community/spaces", new { kind = "country", name = "Magyar tanárok", country = "HU" }))).GetProperty("id").GetGuid();
        var started = await JsonRequests.OkAsync(teacher.PostAsJsonAsync($"/api/v1/community/spaces/{scenario.ThisSpace}/threads",
            new { title = "Matrix thread", body = "Hogyan mentorálunk?", language = "hu", tags = new[] { "matrix" } }));
        scenario.ThisThread = started.GetProperty("thread").GetProperty("id").GetGuid();
        scenario.ThisPost = started.GetProperty("posts").GetProperty("items")[0].GetProperty("id").GetGuid();
        return scenario;
    }

    public static object NewThread() => new { title = "Matrix question", body = "What works?", language = "en" };

    /// <summary>A new reply in <see cref="ThisThread"/>, by the next person in turn.</summary>
    public async Task<Guid> FreshPostAsync()
    {
        var author = _authors[_next++ % _authors.Count];
        return (await JsonRequests.OkAsync(author.PostAsJsonAsync($"/api/v1/community/threads/{ThisThread}/posts", new { body = "A fresh reply." }))).GetProperty("id").GetGuid();
    }

    public async Task<Guid> FreshHiddenPostAsync()
    {
        var post = await FreshPostAsync();
        await JsonRequests.OkAsync(_admin.PostAsJsonAsync($"/api/v1/community/posts/{post}/hide", new { reason = "Matrix" }));
        return post;
    }
}
