using System.Net.Http.Json;

namespace MenSI.Testing;

/// <summary>The gateway's cache of public reads as a test meets it: each group starts afresh when the gateway begins listening to its events.</summary>
public static class PublicCache
{
    /// <summary>Reads <paramref name="path"/> twice until the second answer comes from the cache (<c>X-Cache: hit</c>); false if it never does.</summary>
    public static async Task<bool> AnsweredFromCacheAsync(HttpClient anonymous, string path) =>
        await Eventually.UntilAsync(async () =>
        {
            using var warm = await anonymous.GetAsync(new Uri(path, UriKind.Relative));
            using var again = await anonymous.GetAsync(new Uri(path, UriKind.Relative));
            return again.Headers.TryGetValues("X-Cache", out var state) && state.Single() == "hit";
        }, hit => hit, TimeSpan.FromSeconds(20));

    /// <summary>
    /// Makes the change, then reads until anonymous readers see it: within a second of the change's answer (as the
    /// benchmark measures staleness: the write's own time under load is not the cache's), or the cache kept a stale answer.
    /// </summary>
    public static async Task SeenWithinASecondAsync<T>(Func<Task<HttpResponseMessage>> change, Func<Task<T>> read, Func<T, bool> seen)
    {
        using (var changed = await change()) Xunit.Assert.True(changed.IsSuccessStatusCode, $"the change answered {(int)changed.StatusCode}");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var value = await Eventually.UntilAsync(read, seen, TimeSpan.FromSeconds(5));
        Xunit.Assert.True(seen(value), $"anonymous readers still saw {value} after 5 s");
        Xunit.Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"the change reached anonymous readers after {clock.Elapsed.TotalMilliseconds:0} ms");
    }

    /// <summary>Whether an anonymous read of the list at <paramref name="path"/> names <paramref name="id"/> among its items.</summary>
    public static async Task<bool> ListsAsync(HttpClient anonymous, string path, Guid id) =>
        (await anonymous.GetFromJsonAsync<System.Text.Json.JsonElement>(new Uri(path, UriKind.Relative))).GetProperty("items").EnumerateArray().Any(item => item.Id() == id);
}
