using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Testing;
using MenSI.Testing.Security;
using Xunit;

namespace MenSI.Courses.Tests;

/// <summary>
/// One Courses service for the assembly (its queues on the shared broker have fixed names). Schools' countries reach it
/// as the Registry's events on the broker.
/// </summary>
public sealed class CoursesFixture : ServiceFixture<CoursesDbContext>
{
    public const string PublicBaseUrl = "http://localhost:5080/";

    public HttpClient Author { get; private set; } = null!;

    protected override string DatabaseName => "courses-db";

    protected override void Configure(IDictionary<string, string?> configuration) => configuration["Badges:PublicBaseUrl"] = PublicBaseUrl;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Author = await ClientAsync(new Persona("course-manager"));
    }

    /// <summary>A new teacher (a person of their own, so enrolments never collide), of <paramref name="schoolId"/> when given.</summary>
    public Task<HttpClient> LearnerAsync(Guid? schoolId = null) => NewPersonAsync(new Persona("teacher", SchoolId: schoolId));

    public override async Task DisposeAsync()
    {
        Author?.Dispose();
        await base.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class CoursesCollection : ICollectionFixture<CoursesFixture>
{
    public const string Name = "courses";
}

/// <summary>A published course with two modules (a reading and a quiz; a video and an assignment), and calls the tests share.</summary>
public static class CourseCalls
{
    public static object NewCourse(string title = "Beyond Networking", int? validityMonths = null) => new
    {
        title, summary = "Mentoring for school improvement: how clusters of schools learn together.", language = "en", audience = "teachers",
        estimatedHours = 6.5m, licence = "CC-BY-4.0", credentialValidityMonths = validityMonths,
    };

    public static object NewOutline() => new
    {
        modules = new object[]
        {
            new
            {
                title = "Why mentoring works",
                lessons = new object[]
                {
                    new { title = "Reading: clusters", kind = "reading", estimatedMinutes = 20, required = true, reading = "# Clusters\n\nSchools **learn** together." },
                    new
                    {
                        title = "Check your understanding", kind = "quiz", estimatedMinutes = 10, required = true,
                        quiz = new
                        {
                            passMarkPercent = 50, maxAttempts = 2,
                            questions = new object[]
                            {
                                new { text = "Who coaches mentee schools?", kind = "single-choice", options = new object[] { new { text = "Mentor schools", correct = true }, new { text = "Nobody", correct = false } } },
                                new { text = "Which are MenSI approaches?", kind = "multiple-choice", options = new object[] { new { text = "Top-down", correct = true }, new { text = "Bottom-up", correct = true }, new { text = "Random", correct = false } } },
                            },
                        },
                    },
                },
            },
            new
            {
                title = "Planning your cluster",
                lessons = new object[]
                {
                    new { title = "Video: a cluster at work", kind = "video", estimatedMinutes = 15, required = true, videoUrl = "https://video.example.eu/mensi/1" },
                    new { title = "Your plan", kind = "assignment", estimatedMinutes = 45, required = false, assignment = "Draft your cluster's plan." },
                },
            },
        },
    };

    /// <summary>Creates, outlines and publishes a course; returns the author's view (with the answer keys).</summary>
    public static async Task<JsonElement> PublishedCourseAsync(this HttpClient author, string title = "Beyond Networking", int? validityMonths = null)
    {
        var course = await author.PostAsJsonAsync("/api/v1/courses", NewCourse(title, validityMonths)).OkAsync();
        var id = course.GetProperty("id").GetGuid();
        await author.SendJsonAsync(HttpMethod.Put, $"/api/v1/courses/{id}/outline", NewOutline(), "*").OkAsync();
        return await author.SendJsonAsync(HttpMethod.Post, $"/api/v1/courses/{id}/publish", null, "*").OkAsync();
    }

    /// <summary>A published run open for enrolment today.</summary>
    public static async Task<Guid> OpenRunAsync(this HttpClient author, Guid courseId, int capacity = 30)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var run = await author.PostAsJsonAsync($"/api/v1/courses/{courseId}/runs", new
        {
            language = "en", startsOn = today, endsOn = today.AddDays(60), enrolmentOpensOn = today.AddDays(-1), enrolmentClosesOn = today.AddDays(30), capacity,
        }).OkAsync();
        var runId = run.GetProperty("id").GetGuid();
        await author.SendJsonAsync(HttpMethod.Post, $"/api/v1/courses/{courseId}/runs/{runId}/publish", null, "*").OkAsync();
        return runId;
    }

    public static Task<HttpResponseMessage> EnrolAsync(this HttpClient learner, Guid courseId, Guid runId, string email = "learner@school.example.eu") =>
        learner.PostAsJsonAsync($"/api/v1/courses/{courseId}/runs/{runId}/enrolments", new { badgeEmail = email });

    /// <summary>Completes every required lesson (the quiz passed with the right answers from the author's view).</summary>
    public static async Task<JsonElement> CompleteAsync(this HttpClient learner, JsonElement authored, Guid enrolmentId)
    {
        JsonElement last = default;
        foreach (var module in authored.GetProperty("outline").GetProperty("modules").EnumerateArray())
        {
            foreach (var lesson in module.GetProperty("lessons").EnumerateArray().Where(l => l.GetProperty("required").GetBoolean()))
            {
                var lessonId = lesson.GetProperty("id").GetGuid();
                last = lesson.GetProperty("kind").GetString() == "quiz"
                    ? await learner.PostAsJsonAsync($"/api/v1/courses/enrolments/{enrolmentId}/lessons/{lessonId}/attempts", new { answers = RightAnswers(lesson) }).OkAsync()
                    : await learner.SendJsonAsync(HttpMethod.Put, $"/api/v1/courses/enrolments/{enrolmentId}/lessons/{lessonId}", new { state = "completed" }).OkAsync();
            }
        }

        return last;
    }

    public static object[] RightAnswers(JsonElement quizLesson) => [.. quizLesson.GetProperty("quiz").GetProperty("questions").EnumerateArray().Select(q => new
    {
        questionId = q.GetProperty("id").GetGuid(),
        optionIds = q.GetProperty("options").EnumerateArray().Where(o => o.GetProperty("correct").GetBoolean()).Select(o => o.GetProperty("id").GetGuid()).ToArray(),
    })];

}
