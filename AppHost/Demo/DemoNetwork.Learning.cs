using System.Net;
using System.Text.Json;

namespace MenSI.AppHost.Demo;

/// <summary>A teacher of the demo: signs in only when a step needs them to act (a second run mostly does not).</summary>
public sealed class DemoTeacher(string email, DemoCountry country, int number, Guid school, int rank, Func<Task<DemoApi>> signIn) : IDisposable
{
    private readonly Lazy<Task<DemoApi>> _session = new(signIn);

    public string Email { get; } = email;
    public DemoCountry Country { get; } = country;
    /// <summary>0-3: a mentor school's teacher (cluster 0-3); 4-7: the first mentee's of cluster 0-3.</summary>
    public int Number { get; } = number;
    public Guid School { get; } = school;
    /// <summary>Place in the MOOC's funnel, countries interleaved: the lowest ranks go furthest.</summary>
    public int Rank { get; } = rank;
    public Task<DemoApi> SessionAsync() => _session.Value;
    public bool SignedIn => _session.IsValueCreated && _session.Value.IsCompletedSuccessfully;
    public void Dispose() { if (SignedIn) _session.Value.Result.Dispose(); }
}

public sealed partial class DemoNetwork
{
    private const string MoocTitle = "Beyond Networking: school mentoring in practice";
    private const int TeachersPerCountry = 8;
    /// <summary>MenSI's own MOOC enrolled 995 teachers and certified 186; the demo keeps that proportion, and a funnel on the way.</summary>
    private static int Completing(int enrolled) => (int)Math.Round(enrolled * 186m / 995m, MidpointRounding.AwayFromZero);
    private static int FinishingModule1(int enrolled) => enrolled * 7 / 10;
    private static int FinishingModule2(int enrolled) => enrolled * 4 / 10;

    /// <summary>Eight teachers per country: one at each mentor school and one at each cluster's first mentee.</summary>
    private async Task<IReadOnlyList<DemoTeacher>> TeachersAsync(DemoApi admin, IReadOnlyList<Guid>[] schools, CancellationToken cancellationToken)
    {
        var teachers = DemoCountry.All.SelectMany((country, c) => Enumerable.Range(0, TeachersPerCountry).Select(n =>
        {
            var email = $"teacher.{country.Lower}.{n + 1}@demo.mensi.example";
            var school = schools[c][n < DemoCountry.Clusters ? n : DemoCountry.Clusters + (n - DemoCountry.Clusters) * DemoCountry.MenteesPerCluster];
            return new DemoTeacher(email, country, n, school, n * DemoCountry.All.Count + c, () => DemoApi.SignInAsync(gateway, email, Password, cancellationToken));
        })).ToList();
        // Only those not there yet: a user's creation hashes its password, the costliest thing Identity does.
        var existing = (await AllAsync(admin, "/api/v1/users?role=teacher", cancellationToken)).Select(u => u.GetProperty("email").GetString()).ToHashSet(StringComparer.Ordinal);
        await Parallel.ForEachAsync(teachers.Where(t => !existing.Contains(t.Email)), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (teacher, cancellationToken) =>
        {
            var created = await admin.PostAsync("/api/v1/users", new
            {
                email = teacher.Email, displayName = $"{teacher.Country.Cities[teacher.Number]} teacher {teacher.Number + 1}", password = Password, roles = new[] { "teacher" },
                schoolId = teacher.School,
            }, cancellationToken);
            if (!created.Ok && created.Status != HttpStatusCode.Conflict) created.OrThrow($"Creating {teacher.Email}");
        });
        return teachers;
    }

    /// <summary>The MOOC and a run open now; every teacher enrolled, most finishing the first module, fewer the second, MenSI's share the course.</summary>
    private async Task<(int Enrolled, int Completed)> MoocAsync(DemoApi admin, IReadOnlyList<DemoTeacher> teachers, CancellationToken cancellationToken)
    {
        var course = await CourseAsync(admin, cancellationToken);
        var courseId = course.GetProperty("id").GetGuid();
        var run = await RunAsync(admin, courseId, cancellationToken);
        var totals = (await admin.GetAsync($"/api/v1/courses/{courseId}/analytics?runId={run}", cancellationToken)).OrThrow("Reading the MOOC's analytics").Body
            .GetProperty("rows").EnumerateArray().Single();
        var target = (teachers.Count, Completing(teachers.Count));
        if ((totals.GetProperty("enrolments").GetInt32(), totals.GetProperty("completions").GetInt32()) == target) return target;

        var lessons = course.GetProperty("outline").GetProperty("modules").EnumerateArray()
            .Select(m => m.GetProperty("lessons").EnumerateArray().ToList()).ToList();
        using var gate = new SemaphoreSlim(6);
        await Task.WhenAll(teachers.Select(async teacher =>
        {
            await gate.WaitAsync(cancellationToken);
            try { await LearnAsync(await teacher.SessionAsync(), teacher, courseId, run, lessons, cancellationToken); }
            finally { gate.Release(); }
        }));
        return target;
    }

    private static async Task LearnAsync(DemoApi learner, DemoTeacher teacher, Guid course, Guid run, List<List<JsonElement>> modules, CancellationToken cancellationToken)
    {
        var enrolled = await learner.PostAsync($"/api/v1/courses/{course}/runs/{run}/enrolments", new { badgeEmail = teacher.Email }, cancellationToken);
        var enrolment = enrolled.Status == HttpStatusCode.Conflict
            ? (await learner.GetAsync("/api/v1/courses/my/enrolments?pageSize=100", cancellationToken)).OrThrow("Reading my enrolments").Body
                .GetProperty("items").EnumerateArray().Single(e => e.GetProperty("runId").GetGuid() == run)
            : enrolled.OrThrow($"Enrolling {teacher.Email}").Body;
        if (enrolment.TryGetProperty("completedAt", out var completedAt) && completedAt.ValueKind == JsonValueKind.String) return;
        var id = enrolment.GetProperty("id").GetGuid();

        var enrolledCount = DemoCountry.All.Count * TeachersPerCountry;
        var modulesDone = teacher.Rank < Completing(enrolledCount) ? 3 : teacher.Rank < FinishingModule2(enrolledCount) ? 2 : teacher.Rank < FinishingModule1(enrolledCount) ? 1 : 0;
        foreach (var lesson in modules.Take(modulesDone).SelectMany(m => m))
        {
            var lessonId = lesson.GetProperty("id").GetGuid();
            if (lesson.GetProperty("kind").GetString() != "quiz")
            {
                (await learner.ChangeAsync(HttpMethod.Put, $"/api/v1/courses/enrolments/{id}/lessons/{lessonId}", new { state = "completed" }, cancellationToken)).OrThrow("Recording progress");
                continue;
            }

            var answers = lesson.GetProperty("quiz").GetProperty("questions").EnumerateArray().Select(q => new
            {
                questionId = q.GetProperty("id").GetGuid(),
                optionIds = q.GetProperty("options").EnumerateArray().Where(o => o.GetProperty("correct").GetBoolean()).Select(o => o.GetProperty("id").GetGuid()).ToArray(),
            }).ToArray();
            (await learner.PostAsync($"/api/v1/courses/enrolments/{id}/lessons/{lessonId}/attempts", new { answers }, cancellationToken)).OrThrow("Answering the quiz");
        }
    }

    /// <summary>The MOOC as its authors see it (with the quiz's answers), published: found by its title, or written now.</summary>
    private static async Task<JsonElement> CourseAsync(DemoApi admin, CancellationToken cancellationToken)
    {
        var published = (await admin.GetAsync("/api/v1/courses?status=published&pageSize=100", cancellationToken)).OrThrow("Listing courses").Body.GetProperty("items")
            .EnumerateArray().FirstOrDefault(c => c.GetProperty("title").GetString() == MoocTitle);
        if (published.ValueKind == JsonValueKind.Object)
        {
            return (await admin.GetAsync($"/api/v1/courses/{published.GetProperty("id").GetGuid()}/authoring", cancellationToken)).OrThrow("Reading the MOOC").Body;
        }

        var id = (await admin.PostAsync("/api/v1/courses", new
        {
            title = MoocTitle, summary = "How mentor schools coach mentee schools in clusters to mainstream digital teaching: the approaches, their costs and effects, and a plan for your own cluster.",
            language = "en", audience = "teachers", estimatedHours = 6m, licence = "CC-BY-4.0",
        }, cancellationToken)).OrThrow("Creating the MOOC").Id;
        object Reading(string title, string text) => new { title, kind = "reading", estimatedMinutes = 30, required = true, reading = text };
        (await admin.ChangeAsync(HttpMethod.Put, $"/api/v1/courses/{id}/outline", new
        {
            modules = new object[]
            {
                new { title = "Why schools mentor schools", lessons = new[] { Reading("The MenSI network", "Mentor schools coach **mentee schools** in clusters.") } },
                new { title = "Four ways to run a cluster", lessons = new[] { Reading("Top-down, bottom-up, virtual, hybrid", "Each approach has its *costs* and its *effects*.") } },
                new
                {
                    title = "Plan your cluster's year",
                    lessons = new object[]
                    {
                        Reading("A year of activities", "Visits, observation, online meetings: plan them with their costs."),
                        new
                        {
                            title = "Check your plan", kind = "quiz", estimatedMinutes = 10, required = true,
                            quiz = new
                            {
                                passMarkPercent = 100, maxAttempts = 3,
                                questions = new object[]
                                {
                                    new
                                    {
                                        text = "Which tool measures a school's digital maturity before and after mentoring?", kind = "single-choice",
                                        options = new object[] { new { text = "SELFIE", correct = true }, new { text = "A spreadsheet of costs", correct = false } },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        }, cancellationToken)).OrThrow("Writing the MOOC's outline");
        (await admin.ChangeAsync(HttpMethod.Post, $"/api/v1/courses/{id}/publish", null, cancellationToken)).OrThrow("Publishing the MOOC");
        return (await admin.GetAsync($"/api/v1/courses/{id}/authoring", cancellationToken)).OrThrow("Reading the MOOC").Body;
    }

    /// <summary>A published run whose enrolment is open today: an earlier demo's, or a new one.</summary>
    private static async Task<Guid> RunAsync(DemoApi admin, Guid course, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var open = (await admin.GetAsync($"/api/v1/courses/{course}/runs?pageSize=100", cancellationToken)).OrThrow("Listing runs").Body.GetProperty("items").EnumerateArray()
            .FirstOrDefault(r => r.GetProperty("status").GetString() == "published"
                                 && DateOnly.Parse(r.GetProperty("enrolmentOpensOn").GetString()!, System.Globalization.CultureInfo.InvariantCulture) <= today
                                 && DateOnly.Parse(r.GetProperty("enrolmentClosesOn").GetString()!, System.Globalization.CultureInfo.InvariantCulture) >= today);
        if (open.ValueKind == JsonValueKind.Object) return open.GetProperty("id").GetGuid();

        var run = (await admin.PostAsync($"/api/v1/courses/{course}/runs", new
        {
            language = "en", startsOn = today, endsOn = today.AddDays(120), enrolmentOpensOn = today.AddDays(-1), enrolmentClosesOn = today.AddDays(60), capacity = 1000,
        }, cancellationToken)).OrThrow("Planning the MOOC's run").Id;
        (await admin.ChangeAsync(HttpMethod.Post, $"/api/v1/courses/{course}/runs/{run}/publish", null, cancellationToken)).OrThrow("Publishing the MOOC's run");
        return run;
    }
}
