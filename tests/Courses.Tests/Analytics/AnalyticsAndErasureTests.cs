using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Contracts.Registry;
using MenSI.Testing;
using MenSI.Testing.Security;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace MenSI.Courses.Tests.Analytics;

[Collection(CoursesCollection.Name)]
public class AnalyticsAndErasureTests(CoursesFixture fixture)
{
    [Fact]
    public async Task The_funnel_and_the_figures_per_country_count_what_learners_did_and_officers_see_their_own_country()
    {
        var hungarian = await SchoolAsync("HU");
        var portuguese = await SchoolAsync("PT");
        var authored = await fixture.Author.PublishedCourseAsync("Funnel course");
        var runId = await fixture.Author.OpenRunAsync(authored.Id());
        var modules = authored.GetProperty("outline").GetProperty("modules");
        var firstReading = modules[0].GetProperty("lessons")[0].Id();

        // HU: one completes, one only starts; PT: one starts the first module; HU: one withdraws after enrolling.
        var completer = await fixture.LearnerAsync(hungarian);
        var starter = await fixture.LearnerAsync(hungarian);
        var quitter = await fixture.LearnerAsync(hungarian);
        var portugal = await fixture.LearnerAsync(portuguese);
        var completed = await completer.EnrolAsync(authored.Id(), runId).OkAsync();
        await completer.CompleteAsync(authored, completed.Id());
        foreach (var learner in new[] { starter, portugal })
        {
            var enrolment = await learner.EnrolAsync(authored.Id(), runId).OkAsync();
            await learner.SendJsonAsync(HttpMethod.Put, $"/api/v1/courses/enrolments/{enrolment.Id()}/lessons/{firstReading}", new { state = "started" }).OkAsync();
        }

        var leaving = await quitter.EnrolAsync(authored.Id(), runId).OkAsync();
        await quitter.PostAsync($"/api/v1/courses/enrolments/{leaving.Id()}/withdraw", null).OkAsync();

        var total = (await fixture.Author.GetAsync($"/api/v1/courses/{authored.Id()}/analytics?runId={runId}").OkAsync()).GetProperty("rows")[0];
        Assert.Equal((4, 1, 1, 0.25m), (total.GetProperty("enrolments").GetInt32(), total.GetProperty("withdrawn").GetInt32(),
            total.GetProperty("completions").GetInt32(), total.GetProperty("completionRate").GetDecimal()));
        Assert.Equal(2, total.GetProperty("activeLearners").GetInt32());
        Assert.Equal([(3, 1), (1, 1)], Funnel(total));

        var byCountry = (await fixture.Author.GetAsync($"/api/v1/courses/{authored.Id()}/analytics/countries").OkAsync()).GetProperty("rows");
        var hu = byCountry.EnumerateArray().Single(r => r.GetProperty("country").GetString() == "HU");
        var pt = byCountry.EnumerateArray().Single(r => r.GetProperty("country").GetString() == "PT");
        Assert.Equal((3, 1), (hu.GetProperty("enrolments").GetInt32(), hu.GetProperty("completions").GetInt32()));
        Assert.Equal([(2, 1), (1, 1)], Funnel(hu));
        Assert.Equal([(1, 0), (0, 0)], Funnel(pt));

        using var officer = await fixture.ClientAsync(Persona.MinistryOfficer("HU"));
        var own = (await officer.GetAsync($"/api/v1/courses/{authored.Id()}/analytics/countries").OkAsync()).GetProperty("rows");
        Assert.Equal(["HU"], own.EnumerateArray().Select(r => r.GetProperty("country").GetString()));
        using (var other = await officer.GetAsync($"/api/v1/courses/{authored.Id()}/analytics?country=PT")) Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        using (var teacher = await completer.GetAsync($"/api/v1/courses/{authored.Id()}/analytics")) Assert.Equal(HttpStatusCode.Forbidden, teacher.StatusCode);

        var csv = await fixture.Author.GetStringAsync($"/api/v1/courses/{authored.Id()}/analytics/countries?format=csv");
        Assert.Contains($"HU,3,0,1,1,1,0.333,1,{modules[0].Id()},\"Why mentoring works\",2,1", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Learners_whose_school_the_Registry_announces_late_move_to_its_country_with_every_figure()
    {
        var school = Guid.CreateVersion7();
        var authored = await fixture.Author.PublishedCourseAsync("Late school course");
        var runId = await fixture.Author.OpenRunAsync(authored.Id());
        var firstReading = authored.GetProperty("outline").GetProperty("modules")[0].GetProperty("lessons")[0].Id();
        foreach (var _ in Enumerable.Range(0, 2))
        {
            var learner = await fixture.LearnerAsync(school);
            var enrolment = await learner.EnrolAsync(authored.Id(), runId).OkAsync();
            await learner.SendJsonAsync(HttpMethod.Put, $"/api/v1/courses/enrolments/{enrolment.Id()}/lessons/{firstReading}", new { state = "completed" }).OkAsync();
        }

        Assert.Equal([("unknown", 2, 2, 2)], await CountriesAsync(authored.Id()));

        // Registered (version 1), then moved to another country (version 3), with a stale version 2 arriving last.
        await fixture.PublishAsync(new SchoolRegistered(Guid.CreateVersion7(), DateTimeOffset.UtcNow, school, "CZ", "national", "late-1", "Pozdní škola", "mentee", "active", 1));
        await Eventually.UntilAsync(() => CountriesAsync(authored.Id()), rows => rows.SequenceEqual([("CZ", 2, 2, 2)]), TimeSpan.FromSeconds(20));
        await fixture.PublishAsync(new SchoolProfileUpdated(Guid.CreateVersion7(), DateTimeOffset.UtcNow, school, "SK", "Neskorá škola", ["country"], 3));
        await fixture.PublishAsync(new SchoolProfileUpdated(Guid.CreateVersion7(), DateTimeOffset.UtcNow, school, "PL", "Stale", ["country"], 2));
        await Eventually.UntilAsync(() => fixture.QueryAsync(db => db.SchoolCountries.AnyAsync(s => s.SchoolId == school && s.Version == 3)), done => done, TimeSpan.FromSeconds(20));
        await Task.Delay(500);
        Assert.Equal([("SK", 2, 2, 2)], await CountriesAsync(authored.Id()));
    }

    [Fact]
    public async Task Erasure_forgets_the_learner_keeps_every_figure_and_leaves_the_credential_verifiable()
    {
        var authored = await fixture.Author.PublishedCourseAsync("Erasure course");
        var runId = await fixture.Author.OpenRunAsync(authored.Id(), capacity: 1);
        var learner = await fixture.LearnerAsync(await SchoolAsync("IT"));
        var waiting = await fixture.LearnerAsync();
        var enrolment = await learner.EnrolAsync(authored.Id(), runId, "erase.me@scuola.example.it").OkAsync();
        Assert.Equal("waiting", (await waiting.EnrolAsync(authored.Id(), runId).OkAsync()).GetProperty("status").GetString());
        await learner.CompleteAsync(authored, enrolment.Id());
        using var anonymous = await fixture.ClientAsync(null);
        var credentialId = (await learner.GetAsync($"/api/v1/courses/enrolments/{enrolment.Id()}").OkAsync()).GetProperty("credentialId").GetGuid();
        var jwt = (await anonymous.GetAsync($"/api/v1/badges/credentials/{credentialId}").OkAsync()).GetProperty("jwt").GetString()!;

        var export = await learner.GetAsync("/api/v1/courses/my/data").OkAsync();
        var exported = export.GetProperty("enrolments")[0];
        Assert.Equal(jwt, exported.GetProperty("credential").GetString());
        Assert.NotEmpty(exported.GetProperty("attempts")[0].GetProperty("answers").EnumerateArray());
        var before = await AnalyticsAsync(authored.Id());

        using (var erased = await learner.DeleteAsync("/api/v1/courses/my/data")) Assert.Equal(HttpStatusCode.NoContent, erased.StatusCode);

        Assert.Empty((await learner.GetAsync("/api/v1/courses/my/data").OkAsync()).GetProperty("enrolments").EnumerateArray());
        Assert.Equal(before, await AnalyticsAsync(authored.Id()));
        var stored = await fixture.QueryAsync(db => db.Enrolments.AsNoTracking().SingleAsync(e => e.Id == enrolment.Id()));
        Assert.Equal((null, null, null), (stored.LearnerId, stored.RecipientHash, stored.RecipientSalt));
        Assert.Equal(0, await fixture.QueryAsync(db => db.QuizAttempts.CountAsync(a => a.EnrolmentId == enrolment.Id())));
        Assert.Null(await fixture.QueryAsync(db => db.Credentials.Where(c => c.Id == credentialId).Select(c => c.Jwt).SingleAsync()));

        // The holder's own copy still verifies; by id, the status is still known.
        Assert.Equal("valid", (await anonymous.PostAsJsonAsync("/api/v1/badges/verify", new { credential = jwt }).OkAsync()).GetProperty("status").GetString());
        Assert.Equal("valid", (await anonymous.GetAsync($"/api/v1/badges/credentials/{credentialId}/verification").OkAsync()).GetProperty("status").GetString());
        using (var gone = await anonymous.GetAsync($"/api/v1/badges/credentials/{credentialId}")) Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    private async Task<Guid> SchoolAsync(string country)
    {
        var id = Guid.CreateVersion7();
        await fixture.PublishAsync(new SchoolRegistered(Guid.CreateVersion7(), DateTimeOffset.UtcNow, id, country, "national", id.ToString("N")[..12],
            $"School {id:N}", "mentee", "active", 1));
        await Eventually.UntilAsync(() => fixture.QueryAsync(db => db.SchoolCountries.AnyAsync(s => s.SchoolId == id)), known => known, TimeSpan.FromSeconds(20));
        return id;
    }

    /// <summary>Per country: enrolments, learners in progress, and the first module's starts.</summary>
    private async Task<List<(string, int, int, int)>> CountriesAsync(Guid courseId)
    {
        var report = await fixture.Author.GetAsync($"/api/v1/courses/{courseId}/analytics/countries").OkAsync();
        return [.. report.GetProperty("rows").EnumerateArray().Select(r => (r.GetProperty("country").GetString()!, r.GetProperty("enrolments").GetInt32(), r.GetProperty("activeLearners").GetInt32(),
                r.GetProperty("modules")[0].GetProperty("started").GetInt32()))];
    }

    private async Task<string> AnalyticsAsync(Guid courseId)
    {
        var report = await fixture.Author.GetAsync($"/api/v1/courses/{courseId}/analytics/countries").OkAsync();
        return JsonSerializer.Serialize(report.GetProperty("rows"));
    }

    private static List<(int, int)> Funnel(JsonElement row) =>
        [.. row.GetProperty("modules").EnumerateArray().Select(m => (m.GetProperty("started").GetInt32(), m.GetProperty("finished").GetInt32()))];
}
