using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MenSI.Community.Threads;

public enum ReactionKind { Like, Thanks, Insightful }

/// <summary>A thread in a space: its title and tags, and counters kept with each post so lists never count posts.</summary>
public sealed class DiscussionThread
{
    public Guid Id { get; init; }
    public Guid SpaceId { get; init; }
    public string Title { get; init; } = "";
    public List<string> Tags { get; init; } = [];
    public string Language { get; init; } = "";
    public Guid? AuthorId { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset LastPostAt { get; set; }
    public int PostCount { get; set; }
    /// <summary>Set while its opening post is hidden: the thread leaves lists with it.</summary>
    public bool Hidden { get; set; }
}

/// <summary>
/// A post: the author's Markdown and the sanitised HTML readers get; every edit keeps the previous text as a
/// <see cref="PostRevision"/>. <see cref="SearchText"/> (with the thread's title for an opening post) feeds the
/// full-text index: accent- and case-folded words, and stems in the post's language where PostgreSQL has them.
/// </summary>
public sealed class Post
{
    public Guid Id { get; init; }
    public Guid ThreadId { get; init; }
    public Guid SpaceId { get; init; }
    public Guid? AuthorId { get; set; }
    public bool IsOpening { get; init; }
    public string Markdown { get; set; } = "";
    public string Html { get; set; } = "";
    public string SearchText { get; set; } = "";
    public string Language { get; init; } = "";
    public Guid? QuotePostId { get; init; }
    public bool Hidden { get; set; }
    /// <summary>A new member's post with a link, hidden until a moderator approves it (<see cref="Moderation.Trust"/>).</summary>
    public bool AwaitingApproval { get; set; }
    public string? ModerationReason { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? EditedAt { get; set; }
    /// <summary>1 when written, +1 per edit: the ETag.</summary>
    public int Revision { get; set; }
}

public sealed class PostRevision
{
    public Guid PostId { get; init; }
    public int Revision { get; init; }
    public string Markdown { get; init; } = "";
    public DateTimeOffset WrittenAt { get; init; }
}

public sealed class Reaction
{
    public Guid PostId { get; init; }
    public Guid MemberId { get; init; }
    public ReactionKind Kind { get; init; }
    public DateTimeOffset At { get; init; }
}

internal sealed class DiscussionConfiguration :
    IEntityTypeConfiguration<DiscussionThread>, IEntityTypeConfiguration<Post>, IEntityTypeConfiguration<PostRevision>, IEntityTypeConfiguration<Reaction>
{
    public void Configure(EntityTypeBuilder<DiscussionThread> thread)
    {
        thread.ToTable("threads");
        thread.HasKey(t => t.Id);
        thread.Property(t => t.Title).HasMaxLength(ThreadRules.MaxTitleLength);
        thread.Property(t => t.Language).HasMaxLength(2).IsFixedLength();
        thread.PrimitiveCollection(t => t.Tags);
        thread.HasIndex(t => new { t.SpaceId, t.LastPostAt });
        // Search leaves out the posts of hidden threads with an anti-join against these few.
        thread.HasIndex(t => t.Id).HasFilter("hidden").HasDatabaseName("ix_threads_hidden");
    }

    public void Configure(EntityTypeBuilder<Post> post)
    {
        post.ToTable("posts");
        post.HasKey(p => p.Id);
        post.Property(p => p.Markdown).HasMaxLength(ThreadRules.MaxBodyLength);
        post.Property(p => p.Language).HasMaxLength(2).IsFixedLength();
        post.Property(p => p.ModerationReason).HasMaxLength(500);
        post.Property(p => p.Revision).IsConcurrencyToken();
        post.HasIndex(p => new { p.ThreadId, p.CreatedAt });
        post.HasIndex(p => p.AuthorId);
        // Search and unread counts read a space's posts, and search pages newest first.
        post.HasIndex(p => new { p.SpaceId, p.CreatedAt });
        post.HasIndex(p => p.CreatedAt);
    }

    public void Configure(EntityTypeBuilder<PostRevision> revision)
    {
        revision.ToTable("post_revisions");
        revision.HasKey(r => new { r.PostId, r.Revision });
    }

    public void Configure(EntityTypeBuilder<Reaction> reaction)
    {
        reaction.ToTable("reactions");
        reaction.HasKey(r => new { r.PostId, r.MemberId, r.Kind });
        reaction.Property(r => r.Kind).HasConversion<string>().HasMaxLength(16);
    }
}
