using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Testing;

namespace MenSI.EndToEnd.Tests;

/// <summary>
/// A course for the end-to-end rows, made through the gateway: authored by an admin, a run open today, and the
/// teacher persona's enrolment completed (so there is a credential to read, verify and revoke).
/// </summary>
public sealed class CourseScenario
{
    private HttpClient _author = null!;
    private HttpClient _teacher = null!;
    private JsonElement _authored;

    public Guid ThisCourse { get; private set; }
    public Guid ThisRun { get; private set; }
    public Guid ThisEnrolment { get; private set; }
    public Guid ThisCredential { get; private set; }
    public Guid ThisReading { get; private set; }
    public Guid ThisQuiz { get; private set; }

    public static async Task<CourseScenario> CreateAsync(HttpClient author, HttpClient teacher)
    {
        var scenario = new CourseScenario { _author = author, _teacher = teacher };
        scenario._authored = await scenario.PublishedCourseAsync();
        scenario.ThisCourse = scenario._authored.GetProperty("id").GetGuid();
        var lessons = scenario._authored.GetProperty("outline").GetProperty("modules")[0].GetProperty("lessons");
        (scenario.ThisReading, scenario.ThisQuiz) = (lessons[0].GetProperty("id").GetGuid(), lessons[1].GetProperty("id").GetGuid());
        scenario.ThisRun = await scenario.OpenRunAsync();
        scenario.ThisEnrolment = await scenario.EnrolTeacherAsync(scenario.ThisRun);
        scenario.ThisCredential = await scenario.CompleteAsync(scenario.ThisEnrolment);
        return scenario;
    }

    public static object NewCourse(string title = "Matrix course") => new
    {
        title, summary = "A course the authorization matrix works on.", language = "en", audience = "teachers", estimatedHours = 1.5m, licence = "CC-BY-4.0",
    };

    public static object NewRun()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        return new { language = "en", startsOn = today, endsOn = today.AddDays(30), enrolmentOpensOn = today.AddDays(-1), enrolmentClosesOn = today.AddDays(20), capacity = 50 };
    }

    public static object Outline() => new
    {
        modules = new object[]
        {
            new
            {
                title = "Matrix module",
                lessons = new object[]
                {
                    new { title = "Read", kind = "reading", estimatedMinutes = 5, required = true, reading = "Mentoring *works*." },
                    new
                    {
                        title = "Quiz", kind = "quiz", estimatedMinutes = 5, required = true,
                        quiz = new { passMarkPercent = 100, maxAttempts = 3, questions = new object[]
                            { new { text = "Who coaches?", kind = "single-choice", options = new object[] { new { text = "Mentors", correct = true }, new { text = "Nobody", correct = false } } } } },
                    },
                },
            },
        },
    };

    public async Task<Guid> DraftAsync(bool outlined = false)
    {
        var id = (await _author.PostAsJsonAsync("/api/v1/courses", NewCourse()).OkAsync()).GetProperty("id").GetGuid();
        if (outlined) await _author.SendJsonAsync(HttpMethod.Put, $"/api/v1/courses/{id}/outline", Outline(), "*").OkAsync();
        return id;
    }

    public async Task<Guid> PublishedAsync() => (await PublishedCourseAsync()).GetProperty("id").GetGuid();

    public async Task<Guid> DraftRunAsync() => (await _author.PostAsJsonAsync($"/api/v1/courses/{ThisCourse}/runs", NewRun()).OkAsync()).GetProperty("id").GetGuid();

    public async Task<Guid> OpenRunAsync()
    {
        var run = await DraftRunAsync();
        await _author.SendJsonAsync(HttpMethod.Post, $"/api/v1/courses/{ThisCourse}/runs/{run}/publish", null, "*").OkAsync();
        return run;
    }

    /// <summary>The teacher's enrolment in a new run (a learner enrols once per run).</summary>
    public async Task<Guid> FreshEnrolmentAsync() => await EnrolTeacherAsync(await OpenRunAsync());

    public async Task<Guid> FreshCredentialAsync() => await CompleteAsync(await FreshEnrolmentAsync());

    private async Task<JsonElement> PublishedCourseAsync()
    {
        var id = await DraftAsync(outlined: true);
        return await _author.SendJsonAsync(HttpMethod.Post, $"/api/v1/courses/{id}/publish", null, "*").OkAsync();
    }

    private async Task<Guid> EnrolTeacherAsync(Guid run) =>
        (await _teacher.PostAsJsonAsync($"/api/v1/courses/{ThisCourse}/runs/{run}/enrolments", new { badgeEmail = "teacher@mensi.example" }).OkAsync()).GetProperty("id").GetGuid();

    private async Task<Guid> CompleteAsync(Guid enrolment)
    {
        var quiz = _authored.GetProperty("outline").GetProperty("modules")[0].GetProperty("lessons")[1].GetProperty("quiz").GetProperty("questions")[0];
        var right = quiz.GetProperty("options").EnumerateArray().Where(o => o.GetProperty("correct").GetBoolean()).Select(o => o.GetProperty("id").GetGuid()).ToArray();
        await _teacher.SendJsonAsync(HttpMethod.Put, $"/api/v1/courses/enrolments/{enrolment}/lessons/{ThisReading}", new { state = "completed" }).OkAsync();
        var attempt = await _teacher.PostAsJsonAsync($"/api/v1/courses/enrolments/{enrolment}/lessons/{ThisQuiz}/attempts",
            new { answers = new[] { new { questionId = quiz.GetProperty("id").GetGuid(), optionIds = right } } }).OkAsync();
        return attempt.GetProperty("credentialId").GetGuid();
    }
}
