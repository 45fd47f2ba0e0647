using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Courses.Learning;
using MenSI.ServiceDefaults.Http;
using MenSI.Testing;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace MenSI.Courses.Tests.Learning;

[Collection(CoursesCollection.Name)]
public class CatalogueAndEnrolmentTests(CoursesFixture fixture)
{
    [Fact]
    public async Task A_draft_is_hidden_a_published_course_is_public_and_no_learner_response_carries_an_answer_key()
    {
        var draft = await fixture.Author.PostAsJsonAsync("/api/v1/courses", CourseCalls.NewCourse("Hidden draft")).OkAsync();
        using var anonymous = await fixture.ClientAsync(null);
        using (var hidden = await anonymous.GetAsync($"/api/v1/courses/{draft.Id()}")) Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        using (var refused = await anonymous.GetAsync("/api/v1/courses?status=draft")) await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.BadRequest, ProblemTypes.Validation);

        var authored = await fixture.Author.PublishedCourseAsync("Public course");
        Assert.Contains("\"correct\":true", authored.GetRawText(), StringComparison.Ordinal);
        var outline = await anonymous.GetAsync($"/api/v1/courses/{authored.Id()}").OkAsync();
        Assert.Equal(2, outline.GetProperty("modules").GetArrayLength());
        Assert.Contains("<strong>learn</strong>", outline.GetRawText(), StringComparison.Ordinal);

        var learner = await fixture.LearnerAsync();
        var runId = await fixture.Author.OpenRunAsync(authored.Id());
        var enrolment = await learner.EnrolAsync(authored.Id(), runId).OkAsync();
        var quiz = authored.GetProperty("outline").GetProperty("modules")[0].GetProperty("lessons")[1];
        var wrong = new { answers = new[] { new { questionId = quiz.GetProperty("quiz").GetProperty("questions")[0].Id(), optionIds = Array.Empty<Guid>() } } };
        var attempt = await learner.PostAsJsonAsync($"/api/v1/courses/enrolments/{enrolment.Id()}/lessons/{quiz.Id()}/attempts", wrong).OkAsync();
        var seen = new[]
        {
            outline, await learner.GetAsync($"/api/v1/courses/{authored.Id()}").OkAsync(), enrolment, attempt,
            await learner.GetAsync($"/api/v1/courses/enrolments/{enrolment.Id()}").OkAsync(), await learner.GetAsync("/api/v1/courses/my/enrolments").OkAsync(),
            await learner.GetAsync("/api/v1/courses/my/data").OkAsync(),
        };
        foreach (var response in seen) Assert.DoesNotContain("\"correct\"", response.GetRawText(), StringComparison.Ordinal);
        using var forAuthors = await learner.GetAsync($"/api/v1/courses/{authored.Id()}/authoring");
        Assert.Equal(HttpStatusCode.Forbidden, forAuthors.StatusCode);
    }

    [Fact]
    public async Task Bad_courses_and_outlines_get_field_errors_and_a_published_course_keeps_its_lessons()
    {
        using (var bad = await fixture.Author.PostAsJsonAsync("/api/v1/courses", new { title = " ", language = "xx", audience = "teachers", estimatedHours = 0, licence = "GPL" }))
        {
            var problem = await ProblemAssert.IsProblemAsync(bad, HttpStatusCode.BadRequest, ProblemTypes.Validation);
            Assert.Equal(["estimatedHours", "language", "licence", "summary", "title"], ProblemAssert.FieldErrors(problem).Order());
        }

        var course = await fixture.Author.PostAsJsonAsync("/api/v1/courses", CourseCalls.NewCourse()).OkAsync();
        var badOutline = new
        {
            modules = new object[]
            {
                new { title = "M", lessons = new object[]
                {
                    new { title = "Q", kind = "quiz", estimatedMinutes = 5, quiz = new { passMarkPercent = 50, maxAttempts = 1, questions = new object[]
                        { new { text = "?", kind = "single-choice", options = new object[] { new { text = "a", correct = true }, new { text = "b", correct = true } } } } } },
                    new { title = "V", kind = "video", estimatedMinutes = 5, videoUrl = "javascript:alert(1)" },
                    new { id = Guid.NewGuid(), title = "R", kind = "reading", estimatedMinutes = 5, reading = "x" },
                } },
            },
        };
        using (var refused = await fixture.Author.SendJsonAsync(HttpMethod.Put, $"/api/v1/courses/{course.Id()}/outline", badOutline, "*"))
        {
            var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.BadRequest, ProblemTypes.Validation);
            Assert.Equal(["modules[0].lessons[0].quiz.questions[0].options", "modules[0].lessons[1].videoUrl", "modules[0].lessons[2].id"],
                ProblemAssert.FieldErrors(problem).Order());
        }

        using (var early = await fixture.Author.SendJsonAsync(HttpMethod.Post, $"/api/v1/courses/{course.Id()}/publish", null, "*"))
            await ProblemAssert.IsProblemAsync(early, HttpStatusCode.UnprocessableEntity, ProblemTypes.Rule("outline-incomplete"));

        var published = await fixture.Author.PublishedCourseAsync();
        var modules = published.GetProperty("outline").GetProperty("modules");
        // Re-ordered (second module first) with the first module's lessons kept: allowed.
        var reordered = new { modules = new object[] { Keep(modules[1]), Keep(modules[0]) } };
        var after = await fixture.Author.SendJsonAsync(HttpMethod.Put, $"/api/v1/courses/{published.Id()}/outline", reordered, "*").OkAsync();
        Assert.Equal(modules[1].Id(), after.GetProperty("outline").GetProperty("modules")[0].Id());
        // A lesson left out: refused, nothing changed.
        var shortened = new { modules = new object[] { Keep(modules[1]) } };
        using (var removal = await fixture.Author.SendJsonAsync(HttpMethod.Put, $"/api/v1/courses/{published.Id()}/outline", shortened, "*"))
            await ProblemAssert.IsProblemAsync(removal, HttpStatusCode.Conflict, ProblemTypes.Rule("published-lessons-stay"));
        using (var stale = await fixture.Author.SendJsonAsync(HttpMethod.Put, $"/api/v1/courses/{published.Id()}/outline", reordered, "\"1\""))
            Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
    }

    [Fact]
    public async Task Capacity_holds_under_concurrent_enrolments_and_freed_places_go_to_the_waiting_list_in_order()
    {
        const int capacity = 12, learners = 40;
        var course = await fixture.Author.PublishedCourseAsync("Crowded course");
        var runId = await fixture.Author.OpenRunAsync(course.Id(), capacity);
        var clients = await Task.WhenAll(Enumerable.Range(0, learners).Select(_ => fixture.LearnerAsync()));

        var answers = await Task.WhenAll(clients.Select(c => c.EnrolAsync(course.Id(), runId).OkAsync()));
        Assert.Equal(capacity, answers.Count(a => a.GetProperty("status").GetString() == "enrolled"));
        var waiting = answers.Where(a => a.GetProperty("status").GetString() == "waiting").OrderBy(a => a.GetProperty("waitingPosition").GetInt32()).ToList();
        Assert.Equal(Enumerable.Range(1, learners - capacity), waiting.Select(w => w.GetProperty("waitingPosition").GetInt32()));
        var run = await fixture.Author.GetAsync($"/api/v1/courses/{course.Id()}/runs/{runId}").OkAsync();
        Assert.Equal((0, learners - capacity), (run.GetProperty("placesLeft").GetInt32(), run.GetProperty("waiting").GetInt32()));

        // Two learners with places withdraw at once: the first two waiting get them, nobody else.
        var leaving = answers.Select((a, i) => (a, i)).Where(x => x.a.GetProperty("status").GetString() == "enrolled").Take(2).ToList();
        await Task.WhenAll(leaving.Select(x => clients[x.i].PostAsync($"/api/v1/courses/enrolments/{x.a.Id()}/withdraw", null).OkAsync()));
        var promoted = await fixture.QueryAsync(db => db.Enrolments.AsNoTracking().Where(e => e.RunId == runId && e.EnrolledAt != null && e.Status == EnrolmentStatus.Enrolled)
            .Select(e => e.Id).ToListAsync());
        Assert.Contains(waiting[0].Id(), promoted);
        Assert.Contains(waiting[1].Id(), promoted);
        Assert.DoesNotContain(waiting[2].Id(), promoted);
        Assert.Equal(capacity, promoted.Count);

        var stillWaiting = clients[Array.FindIndex(answers, a => a.Id() == waiting[2].Id())];
        using (var again = await stillWaiting.EnrolAsync(course.Id(), runId))
            await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict, ProblemTypes.Rule("already-enrolled"));

        var ofThisRun = await fixture.OutboxAsync("LearnerEnrolled", "runId", runId);
        Assert.Equal(capacity + 2, ofThisRun.Count);
        Assert.Equal(2, ofThisRun.Count(e => e.GetProperty("fromWaitingList").GetBoolean()));
        Assert.All(ofThisRun, e => Assert.False(e.TryGetProperty("learnerId", out _)));
    }

    [Fact]
    public async Task A_learner_who_sends_the_same_enrolment_five_times_at_once_is_enrolled_once()
    {
        var course = await fixture.Author.PublishedCourseAsync("Double click course");
        var runId = await fixture.Author.OpenRunAsync(course.Id(), capacity: 3);
        var learner = await fixture.LearnerAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => learner.EnrolAsync(course.Id(), runId)));
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(4, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var run = await fixture.Author.GetAsync($"/api/v1/courses/{course.Id()}/runs/{runId}").OkAsync();
        Assert.Equal(2, run.GetProperty("placesLeft").GetInt32());
        foreach (var response in responses) response.Dispose();
    }

    [Fact]
    public async Task Machine_clients_do_not_enrol_and_closed_runs_refuse_learners()
    {
        var course = await fixture.Author.PublishedCourseAsync();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var later = await fixture.Author.PostAsJsonAsync($"/api/v1/courses/{course.Id()}/runs", new
        {
            language = "hu", startsOn = today.AddDays(40), endsOn = today.AddDays(90), enrolmentOpensOn = today.AddDays(10), enrolmentClosesOn = today.AddDays(30), capacity = 5,
        }).OkAsync();
        var learner = await fixture.LearnerAsync();
        using (var draftRun = await learner.EnrolAsync(course.Id(), later.Id()))
            await ProblemAssert.IsProblemAsync(draftRun, HttpStatusCode.Conflict, ProblemTypes.Rule("run-not-published"));
        await fixture.Author.SendJsonAsync(HttpMethod.Post, $"/api/v1/courses/{course.Id()}/runs/{later.Id()}/publish", null, "*").OkAsync();
        using (var notYet = await learner.EnrolAsync(course.Id(), later.Id()))
            await ProblemAssert.IsProblemAsync(notYet, HttpStatusCode.Conflict, ProblemTypes.Rule("enrolment-closed"));
        using (var noEmail = await learner.PostAsJsonAsync($"/api/v1/courses/{course.Id()}/runs/{later.Id()}/enrolments", new { badgeEmail = "not an email" }))
            Assert.Equal(["badgeEmail"], ProblemAssert.FieldErrors(await ProblemAssert.IsProblemAsync(noEmail, HttpStatusCode.BadRequest, ProblemTypes.Validation)));

        using var tokens = new MenSI.Testing.Security.TokenClient(fixture.Identity.Address);
        using var machine = fixture.ClientWithToken((await tokens.ClientCredentialsAsync(MenSI.Testing.Security.IdentityHost.MachineClientId,
            MenSI.Testing.Security.IdentityHost.MachineClientSecret)).AccessToken);
        var runId = await fixture.Author.OpenRunAsync(course.Id());
        using var refused = await machine.EnrolAsync(course.Id(), runId);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    /// <summary>A module as the author read it, sent back unchanged (ids kept): the Markdown source as <c>reading</c>, no rendered HTML.</summary>
    private static object Keep(JsonElement module) => new
    {
        id = module.Id(),
        title = module.GetProperty("title").GetString(),
        lessons = module.GetProperty("lessons").EnumerateArray().Select(lesson =>
        {
            var fields = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(lesson.GetRawText())!;
            fields.Remove("readingHtml");
            if (fields.Remove("readingMarkdown", out var reading)) fields["reading"] = reading;
            return fields;
        }).ToArray(),
    };
}
