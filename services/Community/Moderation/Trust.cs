using MenSI.Community.Spaces;
using MenSI.ServiceDefaults.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MenSI.Community.Moderation;

public sealed class TrustOptions
{
    /// <summary>How many of a member's posts and resources must be published before their links go out unreviewed.</summary>
    public int PublishedToTrust { get; set; } = 3;
}

/// <summary>
/// Trust levels à la Discourse, kept to two. A member is new until <see cref="TrustOptions.PublishedToTrust"/> of their
/// posts and resources are visible; a new member's post with a link, and every resource they share (a resource is a
/// link), waits hidden for a moderator's approval, which is when it is announced. Moderators are always trusted.
/// Counting what is published (rather than storing a level) means a hidden spam post never raises a member's trust.
/// </summary>
public sealed class Trust(IOptions<TrustOptions> options)
{
    public async Task<bool> MustApproveAsync(CommunityDbContext db, Caller caller, Space space, bool hasLinks, CancellationToken ct)
    {
        if (!hasLinks || SpaceRules.MayModerate(caller, space) || caller.UserId is not { } member) return false;
        var needed = options.Value.PublishedToTrust;
        var posts = await db.Posts.Where(p => p.AuthorId == member && !p.Hidden).Take(needed).CountAsync(ct);
        if (posts >= needed) return false;
        var resources = await db.Resources.Where(r => r.SharedBy == member && !r.Hidden).Take(needed - posts).CountAsync(ct);
        return posts + resources < needed;
    }

    /// <summary>
    /// Whether rendered, sanitised HTML links out of the platform: Markdown links, autolinks and raw anchors all end up as
    /// an absolute <c>href</c>, images as a <c>src</c> (the sanitiser writes attributes in double quotes); what it dropped
    /// (a <c>javascript:</c> link) and relative addresses stay here.
    /// </summary>
    public static bool HasLinks(string safeHtml) =>
        safeHtml.Contains("href=\"http", StringComparison.OrdinalIgnoreCase) || safeHtml.Contains("src=\"http", StringComparison.OrdinalIgnoreCase);
}
