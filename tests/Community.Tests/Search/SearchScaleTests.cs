using MenSI.Testing;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace MenSI.Community.Tests.Search;

[Collection(CommunityCollection.Name)]
public class SearchScaleTests(CommunityFixture fixture)
{
    /// <summary>
    /// Past the sort limit (2,000 matches), search walks the posts newest first instead of sorting the matches: the page
    /// must be the same newest matches either way, hidden ones still left out, and the total says "200+".
    /// </summary>
    [Fact]
    public async Task A_term_with_thousands_of_matches_pages_newest_first_and_says_the_total_is_capped()
    {
        var space = await fixture.Admin.OpenSpaceAsync();
        var word = "common" + Guid.NewGuid().ToString("N")[..8];
        var thread = Guid.CreateVersion7();
        await fixture.QueryAsync(db => db.Database.ExecuteSqlAsync($"""
            INSERT INTO threads (id, space_id, title, tags, language, created_at, last_post_at, post_count, hidden)
            VALUES ({thread}, {space}, 'Many posts', ARRAY[]::text[], 'en', now(), now(), 2500, false);
            INSERT INTO posts (id, thread_id, space_id, is_opening, markdown, html, search_text, language, hidden, created_at, revision)
            SELECT gen_random_uuid(), {thread}, {space}, n = 0, 'Post ' || n || ' ' || {word}, '<p>x</p>', 'Post ' || n || ' ' || {word}, 'en',
                   n % 10 = 9, now() - interval '1 hour' + n * interval '1 second', 1
            FROM generate_series(0, 2499) n;
            """));
        using var member = await fixture.MemberAsync();

        var first = await member.GetAsync($"/api/v1/community/search?q={word}&pageSize=5").OkAsync();
        Assert.True(first.GetProperty("totalCountCapped").GetBoolean());
        Assert.Equal(200, first.GetProperty("totalCount").GetInt32());
        // Newest first, n = 2499 down, skipping every tenth (hidden): 2498, 2497, ..., and never 2499 or 2489.
        Assert.Equal(["Post 2498", "Post 2497", "Post 2496", "Post 2495", "Post 2494"],
            first.GetProperty("items").EnumerateArray().Select(h => string.Join(' ', h.GetProperty("excerpt").GetString()!.Split(' ')[..2])));
        var second = await member.GetAsync($"/api/v1/community/search?q={word}&pageSize=5&page=2").OkAsync();
        Assert.Equal(["Post 2493", "Post 2492", "Post 2491", "Post 2490", "Post 2488"],
            second.GetProperty("items").EnumerateArray().Select(h => string.Join(' ', h.GetProperty("excerpt").GetString()!.Split(' ')[..2])));

        var few = await member.GetAsync($"/api/v1/community/search?q=%22post%205%20{word}%22").OkAsync();
        Assert.False(few.GetProperty("totalCountCapped").GetBoolean());
        Assert.Equal(1, few.GetProperty("totalCount").GetInt32());
    }
}
