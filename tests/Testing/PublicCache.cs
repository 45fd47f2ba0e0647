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
}
