using System.Net;
using System.Net.Http.Json;
using MenSI.Testing;
using Xunit;

namespace MenSI.Community.Tests.Webinars;

[Collection(CommunityCollection.Name)]
public class WebinarTests(CommunityFixture fixture)
{
    /// <summary>Next year's last Sunday of March: the day the EU's clocks go forward (Lisbon to +01:00; 02:00-03:00 does not exist in Budapest).</summary>
    private static readonly DateTime DaylightSavingStarts = LastSundayOfMarch(DateTime.UtcNow.Year + 1);

    [Fact]
    public async Task A_webinar_is_scheduled_in_its_time_zone_and_only_real_future_local_times_are_accepted()
    {
        var space = await fixture.Admin.OpenSpaceAsync();
        object Request(string startsAt, string timeZone) => new { title = "SELFIE results", startsAt, timeZone, durationMinutes = 60, capacity = 50, joinUrl = "https://meet.example.org/selfie" };
        var day = DaylightSavingStarts.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        using (var zone = await fixture.Admin.PostAsJsonAsync($"/api/v1/community/spaces/{space}/webinars", Request($"{day}T16:00:00", "Mars/Olympus")))
            await ProblemAssert.IsValidationAsync(zone, "timeZone");
        using (var gap = await fixture.Admin.PostAsJsonAsync($"/api/v1/community/spaces/{space}/webinars", Request($"{day}T02:30:00", "Europe/Budapest")))
            await ProblemAssert.IsValidationAsync(gap, "startsAt");
        using (var offset = await fixture.Admin.PostAsJsonAsync($"/api/v1/community/spaces/{space}/webinars", Request($"{day}T16:00:00Z", "Europe/Lisbon")))
            await ProblemAssert.IsValidationAsync(offset, "startsAt");
        using (var past = await fixture.Admin.PostAsJsonAsync($"/api/v1/community/spaces/{space}/webinars", Request("2020-01-01T10:00:00", "Europe/Lisbon")))
            await ProblemAssert.IsValidationAsync(past, "startsAt");
        using (var none = await fixture.Admin.PostAsJsonAsync($"/api/v1/community/spaces/{space}/webinars", new { title = "x" }))
            await ProblemAssert.IsValidationAsync(none, "timeZone", "durationMinutes", "capacity");

        var webinar = await fixture.Admin.PostAsJsonAsync($"/api/v1/community/spaces/{space}/webinars", Request($"{day}T16:00:00", "Europe/Lisbon")).OkAsync();
        Assert.Equal(new DateTimeOffset(DaylightSavingStarts.AddHours(15), TimeSpan.Zero), webinar.GetProperty("startsAt").GetDateTimeOffset());
        Assert.Equal($"{day}T16:00:00+01:00", webinar.GetProperty("startsAtLocal").GetString());
        Assert.Equal(50, webinar.GetProperty("placesLeft").GetInt32());

        using var newcomer = await fixture.MemberAsync();
        using (var untrusted = await newcomer.PostAsJsonAsync($"/api/v1/community/spaces/{space}/webinars", Request($"{day}T17:00:00", "Europe/Lisbon")))
            Assert.Equal(HttpStatusCode.Forbidden, untrusted.StatusCode);
        var upcoming = await newcomer.GetAsync($"/api/v1/community/spaces/{space}/webinars").OkAsync();
        Assert.Equal([webinar.Id()], upcoming.GetProperty("items").EnumerateArray().Select(w => w.Id()));
    }

    [Fact]
    public async Task Thirty_members_at_once_take_exactly_the_ten_places_and_a_place_given_back_can_be_taken_again()
    {
        var space = await fixture.Admin.OpenSpaceAsync();
        var day = DaylightSavingStarts.AddDays(7).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var webinar = (await fixture.Admin.PostAsJsonAsync($"/api/v1/community/spaces/{space}/webinars",
            new { title = "Mentor clinic", startsAt = $"{day}T15:00:00", timeZone = "Europe/Prague", durationMinutes = 45, capacity = 10 }).OkAsync()).Id();
        var members = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => fixture.MemberAsync()));
        try
        {
            var answers = await Task.WhenAll(members.Select(m => m.PutAsync($"/api/v1/community/webinars/{webinar}/rsvp", null)));
            Assert.Equal(10, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
            var refused = answers.Where(a => a.StatusCode != HttpStatusCode.OK).ToList();
            Assert.Equal(20, refused.Count);
            foreach (var answer in refused) await ProblemAssert.IsRuleAsync(answer, HttpStatusCode.Conflict, "webinar-full");
            var full = await fixture.Admin.GetAsync($"/api/v1/community/webinars/{webinar}").OkAsync();
            Assert.Equal((10, 0), (full.GetProperty("attending").GetInt32(), full.GetProperty("placesLeft").GetInt32()));

            var attendee = members[Array.FindIndex(answers, a => a.StatusCode == HttpStatusCode.OK)];
            var waiting = members[Array.FindIndex(answers, a => a.StatusCode != HttpStatusCode.OK)];
            Assert.True((await attendee.PutAsync($"/api/v1/community/webinars/{webinar}/rsvp", null).OkAsync()).GetProperty("youAttend").GetBoolean());
            foreach (var _ in Enumerable.Range(0, 2))
                Assert.False((await attendee.DeleteAsync($"/api/v1/community/webinars/{webinar}/rsvp").OkAsync()).GetProperty("youAttend").GetBoolean());
            var taken = await waiting.PutAsync($"/api/v1/community/webinars/{webinar}/rsvp", null).OkAsync();
            Assert.Equal((10, true), (taken.GetProperty("attending").GetInt32(), taken.GetProperty("youAttend").GetBoolean()));
            foreach (var answer in answers) answer.Dispose();
        }
        finally
        {
            foreach (var member in members) member.Dispose();
        }
    }

    private static DateTime LastSundayOfMarch(int year)
    {
        var day = new DateTime(year, 3, 31, 0, 0, 0, DateTimeKind.Utc);
        return day.AddDays(-(int)day.DayOfWeek);
    }
}
