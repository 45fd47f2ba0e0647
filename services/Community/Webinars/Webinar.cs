using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MenSI.Community.Webinars;

/// <summary>
/// A webinar (or any live event) in a space: when, in the organiser's time zone, and how many may come. <see cref="Attending"/>
/// is kept with each RSVP by a conditional update, so concurrent RSVPs can never take more places than <see cref="Capacity"/>.
/// </summary>
public sealed class Webinar
{
    public Guid Id { get; init; }
    public Guid SpaceId { get; init; }
    public string Title { get; init; } = "";
    public string Description { get; init; } = "";
    public DateTimeOffset StartsAt { get; init; }
    /// <summary>IANA time zone (Europe/Budapest): the local time participants are told, daylight saving included.</summary>
    public string TimeZone { get; init; } = "";
    public int DurationMinutes { get; init; }
    public int Capacity { get; init; }
    public int Attending { get; set; }
    public string? JoinUrl { get; init; }
    public Guid? OrganiserId { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}

public sealed class Rsvp
{
    public Guid WebinarId { get; init; }
    public Guid MemberId { get; init; }
    public DateTimeOffset At { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ScheduleWebinarRequest(string? Title, string? Description, DateTime? StartsAt, string? TimeZone, int? DurationMinutes, int? Capacity, string? JoinUrl);

public sealed record WebinarResponse(
    Guid Id, Guid SpaceId, string Title, string Description, DateTimeOffset StartsAt, string StartsAtLocal, string TimeZone, int DurationMinutes,
    int Capacity, int Attending, int PlacesLeft, bool YouAttend, string? JoinUrl, string Organiser, DateTimeOffset CreatedAt);

/// <summary>Pure rules for scheduling: a real local time in a real zone, in the future.</summary>
public static class WebinarRules
{
    public const int MaxTitleLength = 200, MaxDescriptionLength = 4000, MaxCapacity = 10_000, MinMinutes = 15, MaxMinutes = 8 * 60;

    /// <summary>The start as an instant, or null with field errors (an unknown zone, a local time daylight saving skips, a time in the past).</summary>
    public static DateTimeOffset? StartOf(DateTime? local, string? zoneId, DateTimeOffset now, IDictionary<string, string[]> errors)
    {
        if (zoneId is null || !TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var zone))
        {
            errors["timeZone"] = ["Required: an IANA time zone such as Europe/Budapest."];
            return null;
        }

        if (local is not { Kind: DateTimeKind.Unspecified } time)
        {
            errors["startsAt"] = ["Required: the local date and time in timeZone, without an offset (2027-03-04T16:00)."];
            return null;
        }

        var unspecified = DateTime.SpecifyKind(time, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(unspecified))
        {
            errors["startsAt"] = ["This local time does not exist in timeZone (the clocks skip it for daylight saving)."];
            return null;
        }

        var start = new DateTimeOffset(unspecified, zone.GetUtcOffset(unspecified));
        if (start <= now) errors["startsAt"] = ["Must be in the future."];
        return start;
    }

    public static string LocalTime(DateTimeOffset start, string zoneId) =>
        TimeZoneInfo.ConvertTime(start, TimeZoneInfo.FindSystemTimeZoneById(zoneId)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}

internal sealed class WebinarConfiguration : IEntityTypeConfiguration<Webinar>, IEntityTypeConfiguration<Rsvp>
{
    public void Configure(EntityTypeBuilder<Webinar> webinar)
    {
        webinar.ToTable("webinars", t => t.HasCheckConstraint("ck_webinars_attending", "attending >= 0 AND attending <= capacity"));
        webinar.HasKey(w => w.Id);
        webinar.Property(w => w.Title).HasMaxLength(WebinarRules.MaxTitleLength);
        webinar.Property(w => w.Description).HasMaxLength(WebinarRules.MaxDescriptionLength);
        webinar.Property(w => w.TimeZone).HasMaxLength(64);
        webinar.Property(w => w.JoinUrl).HasMaxLength(2000);
        webinar.HasIndex(w => new { w.SpaceId, w.StartsAt });
        webinar.HasIndex(w => new { w.SpaceId, w.CreatedAt });
    }

    public void Configure(EntityTypeBuilder<Rsvp> rsvp)
    {
        rsvp.ToTable("rsvps");
        rsvp.HasKey(r => new { r.WebinarId, r.MemberId });
        rsvp.HasIndex(r => r.MemberId);
    }
}
