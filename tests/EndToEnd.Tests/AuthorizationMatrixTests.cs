using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Hosting;
using MenSI.Testing;
using MenSI.Testing.Security;
using Xunit;

namespace MenSI.EndToEnd.Tests;

/// <summary>
/// Every endpoint of every service's OpenAPI document, called through the gateway by every kind of caller, against
/// the status the security model (DESIGN.md) says it must get. An endpoint with no row here fails the test, so a new
/// endpoint cannot ship without its authorization being declared and checked.
/// </summary>
[Collection(SharedGraph.Name)]
public class AuthorizationMatrixTests(GraphFixture graph)
{
    /// <summary>The columns of each row; a course manager (the ninth caller) gets what a teacher gets unless its row says otherwise.</summary>
    private static readonly string[] Callers =
        ["anonymous", "teacher", "coordinator", "other-coordinator", "ministry", "other-ministry", "machine", "admin", "course-manager"];

    private const int Ok = 200, Created = 201, NoContent = 204, Unauthorized = 401, Forbidden = 403;
    private static readonly int[] Everyone = [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok];
    private static int[] AdminsOnly(int success) => [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, success];
    private static int[] Members(int success) => [Unauthorized, success, success, success, success, success, success, success];
    /// <summary>The ministry of HU (the officer and the HU machine client) and admins: who manages HU's clusters.</summary>
    private static int[] HungarianMinistry(int success) => [Unauthorized, Forbidden, Forbidden, Forbidden, success, Forbidden, success, success];
    /// <summary>Who works in this school's cluster: its managers and the coordinator of a member school.</summary>
    private static int[] ClusterWorkers(int success) => [Unauthorized, Forbidden, success, Forbidden, success, Forbidden, success, success];
    /// <summary>Course authors: network admins and course managers (the row adds the course manager's success).</summary>
    private static int[] CourseAuthors(int success) => AdminsOnly(success);
    /// <summary>Every signed-in person; machine clients do not learn.</summary>
    private static int[] People(int success) => [Unauthorized, success, success, success, success, success, Forbidden, success];
    /// <summary>Only the learner: anyone else is told there is no such enrolment of theirs.</summary>
    private static int[] TheLearner(int success) => [Unauthorized, success, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound];
    private const int NotFound = 404, Unprocessable = 422;
    /// <summary>Any ministry (officers of every country, the HU machine client) and admins.</summary>
    private static int[] Ministries(int success) => [Unauthorized, Forbidden, Forbidden, Forbidden, success, success, success, success];
    /// <summary>A HU draft's authors; another country's ministry does not see it at all.</summary>
    private static int[] DraftAuthors(int success) => [Unauthorized, Forbidden, Forbidden, Forbidden, success, NotFound, success, success];

    private sealed record Row(string Method, string Path, int[] Expected, Func<Scenario, Task<HttpRequestMessage>> Request, int? CourseManager = null)
    {
        public int ExpectedFor(int caller) => caller < Expected.Length ? Expected[caller] : CourseManager ?? Expected[1];
    }

    //                         caller: anonymous     teacher    coordinator other-coord ministry other-min  machine  admin
    private static readonly Row[] Matrix =
    [
        new("GET", "/api/v1/schools", Everyone, s => Get("/api/v1/schools?country=HU")),
        new("GET", "/api/v1/schools/{id}", Everyone, s => Get($"/api/v1/schools/{s.ThisSchool}")),
        new("POST", "/api/v1/schools", [Unauthorized, Forbidden, Forbidden, Forbidden, Created, Forbidden, Created, Created],
            s => Send(HttpMethod.Post, "/api/v1/schools", s.NewHungarianSchool())),
        new("PUT", "/api/v1/schools/{id}", [Unauthorized, Forbidden, Ok, Forbidden, Ok, Forbidden, Ok, Ok],
            s => Send(HttpMethod.Put, $"/api/v1/schools/{s.ThisSchool}", new { name = "Matrix Iskola", educationLevels = new[] { "primary" } })),

        new("POST", "/api/v1/schools/{id}/status", [Unauthorized, Forbidden, Forbidden, Forbidden, Ok, Forbidden, Ok, Ok],
            async s => await Send(HttpMethod.Post, $"/api/v1/schools/{await s.FreshHungarianSchoolAsync()}/status", new { status = "active", reason = "Matrix" }, ifMatch: true)),
        new("POST", "/api/v1/schools/{id}/role", [Unauthorized, Forbidden, Forbidden, Forbidden, Ok, Forbidden, Ok, Ok],
            async s => await Send(HttpMethod.Post, $"/api/v1/schools/{await s.FreshHungarianSchoolAsync()}/role", new { networkRole = "mentee", reason = "Matrix" }, ifMatch: true)),
        new("GET", "/api/v1/schools/{id}/history", [Unauthorized, Forbidden, Ok, Forbidden, Ok, Forbidden, Ok, Ok],
            s => Get($"/api/v1/schools/{s.ThisSchool}/history")),
        new("POST", "/api/v1/schools/{id}/self-assessments", [Unauthorized, Forbidden, Created, Forbidden, Created, Forbidden, Created, Created],
            s => Send(HttpMethod.Post, $"/api/v1/schools/{s.ThisSchool}/self-assessments", new { assessedOn = "2026-01-15", scores = Scenario.SelfieScores })),
        new("GET", "/api/v1/schools/{id}/self-assessments", [Unauthorized, Ok, Ok, Ok, Ok, Ok, Ok, Ok], s => Get($"/api/v1/schools/{s.ThisSchool}/self-assessments")),
        new("GET", "/api/v1/schools/{id}/self-assessments/progress", [Unauthorized, Ok, Ok, Ok, Ok, Ok, Ok, Ok],
            s => Get($"/api/v1/schools/{s.ThisSchool}/self-assessments/progress")),
        new("GET", "/api/v1/digital-maturity/averages", [Unauthorized, Ok, Ok, Ok, Ok, Ok, Ok, Ok], s => Get("/api/v1/digital-maturity/averages")),

        new("GET", "/api/v1/schools/{id}/contacts", [Unauthorized, Forbidden, Ok, Forbidden, Ok, Forbidden, Ok, Ok],
            s => Get($"/api/v1/schools/{s.ThisSchool}/contacts")),
        new("POST", "/api/v1/schools/{id}/contacts", [Unauthorized, Forbidden, Created, Forbidden, Created, Forbidden, Created, Created],
            s => Send(HttpMethod.Post, $"/api/v1/schools/{s.ThisSchool}/contacts", new { name = "Matrix Person", email = "matrix@iskola.example.hu", consent = true })),
        new("GET", "/api/v1/schools/{id}/contacts/{contactId}/export", [Unauthorized, Forbidden, Ok, Forbidden, Ok, Forbidden, Ok, Ok],
            s => Get($"/api/v1/schools/{s.ThisSchool}/contacts/{s.ThisContact}/export")),
        new("DELETE", "/api/v1/schools/{id}/contacts/{contactId}", [Unauthorized, Forbidden, NoContent, Forbidden, NoContent, Forbidden, NoContent, NoContent],
            async s => await Send(HttpMethod.Delete, $"/api/v1/schools/{s.ThisSchool}/contacts/{await s.FreshContactAsync()}", null)),
        new("POST", "/api/v1/schools/imports", [Unauthorized, Forbidden, Forbidden, Forbidden, Ok, Forbidden, Ok, Ok],
            s => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, "/api/v1/schools/imports?country=HU&dryRun=true")
            {
                Content = new StringContent("nationalId,name,educationLevels\n035221,Matrix Iskola,primary\n", System.Text.Encoding.UTF8, "text/csv"),
            })),

        new("POST", "/api/v1/applications", [Created, Created, Created, Created, Created, Created, Created, Created],
            s => Send(HttpMethod.Post, "/api/v1/applications", s.NewApplication())),
        new("GET", "/api/v1/applications", [Unauthorized, Forbidden, Forbidden, Forbidden, Ok, Ok, Ok, Ok], s => Get("/api/v1/applications")),
        new("GET", "/api/v1/applications/{id}", [Unauthorized, Forbidden, Forbidden, Forbidden, Ok, Forbidden, Ok, Ok],
            s => Get($"/api/v1/applications/{s.ThisApplication}")),
        new("POST", "/api/v1/applications/{id}/decision", [Unauthorized, Forbidden, Forbidden, Forbidden, Ok, Forbidden, Ok, Ok],
            async s => await Send(HttpMethod.Post, $"/api/v1/applications/{await s.FreshApplicationAsync()}/decision", new { decision = "rejected", reason = "Matrix" })),

        new("GET", "/api/v1/clusters", Members(Ok), s => Get("/api/v1/clusters?country=HU")),
        new("GET", "/api/v1/clusters/{id}", Members(Ok), s => Get($"/api/v1/clusters/{s.ThisCluster}")),
        new("POST", "/api/v1/clusters", HungarianMinistry(Created), s => Send(HttpMethod.Post, "/api/v1/clusters", s.NewCluster())),
        new("POST", "/api/v1/clusters/{id}/mentees", HungarianMinistry(Ok),
            async s => await Send(HttpMethod.Post, $"/api/v1/clusters/{await s.FreshClusterAsync()}/mentees", new { schoolId = s.ThisMentee }, ifMatch: true)),
        new("DELETE", "/api/v1/clusters/{id}/mentees/{schoolId}", HungarianMinistry(Ok),
            async s => await Send(HttpMethod.Delete, $"/api/v1/clusters/{await s.FreshClusterAsync(s.ThisMentee)}/mentees/{s.ThisMentee}", null, ifMatch: true)),
        new("POST", "/api/v1/clusters/{id}/activate", HungarianMinistry(Ok),
            async s => await Send(HttpMethod.Post, $"/api/v1/clusters/{await s.FreshClusterAsync(s.NextFreeMentee())}/activate", null, ifMatch: true)),
        new("POST", "/api/v1/clusters/{id}/complete", HungarianMinistry(Ok),
            async s => await Send(HttpMethod.Post, $"/api/v1/clusters/{await s.FreshActiveClusterAsync()}/complete", null, ifMatch: true)),
        new("POST", "/api/v1/clusters/{id}/dissolve", HungarianMinistry(Ok),
            async s => await Send(HttpMethod.Post, $"/api/v1/clusters/{await s.FreshClusterAsync()}/dissolve", new { reason = "Matrix" }, ifMatch: true)),
        new("GET", "/api/v1/clusters/{id}/activities", Members(Ok), s => Get($"/api/v1/clusters/{s.ThisCluster}/activities")),
        new("POST", "/api/v1/clusters/{id}/activities", ClusterWorkers(Created), s => Send(HttpMethod.Post, $"/api/v1/clusters/{s.ThisCluster}/activities", s.NewActivity())),
        new("GET", "/api/v1/clusters/{id}/plan", Members(Ok), s => Get($"/api/v1/clusters/{s.ThisCluster}/plan")),
        new("POST", "/api/v1/clusters/{id}/plan/goals", ClusterWorkers(Created), s => Send(HttpMethod.Post, $"/api/v1/clusters/{s.ThisCluster}/plan/goals", s.NewGoal())),
        new("PUT", "/api/v1/clusters/{id}/plan/goals/{goalId}", ClusterWorkers(Ok), s => Send(HttpMethod.Put, $"/api/v1/clusters/{s.ThisCluster}/plan/goals/{s.ThisGoal}", s.NewGoal())),
        new("GET", "/api/v1/clusters/{id}/diary", Everyone, s => Get($"/api/v1/clusters/{s.ThisCluster}/diary")),
        new("POST", "/api/v1/clusters/{id}/diary", ClusterWorkers(Created), s => Send(HttpMethod.Post, $"/api/v1/clusters/{s.ThisCluster}/diary",
            new { writtenOn = Scenario.Today, title = "Matrix", body = "Matrix entry", visibility = "public" })),
        new("GET", "/api/v1/clusters/reports/effectiveness", [Unauthorized, Forbidden, Forbidden, Forbidden, Ok, Ok, Ok, Ok], s => Get("/api/v1/clusters/reports/effectiveness")),
        new("GET", "/api/v1/clusters/schools/{schoolId}", Members(Ok), s => Get($"/api/v1/clusters/schools/{s.ThisSchool}")),

        new("GET", "/api/v1/me", Members(Ok), s => Get("/api/v1/me")),
        new("GET", "/api/v1/users", AdminsOnly(Ok), s => Get("/api/v1/users")),
        new("GET", "/api/v1/users/{id}", AdminsOnly(Ok), s => Get($"/api/v1/users/{s.SomeUser}")),
        new("POST", "/api/v1/users", AdminsOnly(Created), s => Send(HttpMethod.Post, "/api/v1/users", new
        {
            email = $"matrix-{Guid.NewGuid():N}@tests.mensi.example", displayName = "Matrix", password = "Matrix-password-1", roles = new[] { "teacher" },
        })),
        new("PUT", "/api/v1/users/{id}", AdminsOnly(Ok),
            s => Send(HttpMethod.Put, $"/api/v1/users/{s.SomeUser}", new { displayName = "Matrix teacher", roles = new[] { "teacher" } })),
        new("POST", "/api/v1/users/{id}/unlock", AdminsOnly(Ok), s => Send(HttpMethod.Post, $"/api/v1/users/{s.SomeUser}/unlock", null)),
        new("DELETE", "/api/v1/users/{id}", AdminsOnly(NoContent), async s => await Send(HttpMethod.Delete, $"/api/v1/users/{await s.FreshUserAsync()}", null)),

        new("GET", "/api/v1/clients", AdminsOnly(Ok), s => Get("/api/v1/clients")),
        new("GET", "/api/v1/clients/{clientId}", AdminsOnly(Ok), s => Get($"/api/v1/clients/{IdentityHost.MachineClientId}")),
        new("POST", "/api/v1/clients", AdminsOnly(Created),
            s => Send(HttpMethod.Post, "/api/v1/clients", new { clientId = Scenario.UniqueClientId(), displayName = "Matrix", country = "PT" })),
        new("DELETE", "/api/v1/clients/{clientId}", AdminsOnly(NoContent),
            async s => await Send(HttpMethod.Delete, $"/api/v1/clients/{await s.FreshClientAsync()}", null)),

        new("GET", "/api/v1/courses", Everyone, s => Get("/api/v1/courses")),
        new("GET", "/api/v1/courses/{id}", Everyone, s => Get($"/api/v1/courses/{s.ThisCourse}")),
        new("GET", "/api/v1/courses/{id}/authoring", CourseAuthors(Ok), s => Get($"/api/v1/courses/{s.ThisCourse}/authoring"), Ok),
        new("POST", "/api/v1/courses", CourseAuthors(Created), s => Send(HttpMethod.Post, "/api/v1/courses", CourseScenario.NewCourse()), Created),
        new("PUT", "/api/v1/courses/{id}", CourseAuthors(Ok), s => Send(HttpMethod.Put, $"/api/v1/courses/{s.ThisCourse}", CourseScenario.NewCourse()), Ok),
        new("PUT", "/api/v1/courses/{id}/outline", CourseAuthors(Ok),
            async s => await Send(HttpMethod.Put, $"/api/v1/courses/{await s.Courses.DraftAsync()}/outline", CourseScenario.Outline()), Ok),
        new("POST", "/api/v1/courses/{id}/publish", CourseAuthors(Ok),
            async s => await Send(HttpMethod.Post, $"/api/v1/courses/{await s.Courses.DraftAsync(outlined: true)}/publish", null, ifMatch: true), Ok),
        new("POST", "/api/v1/courses/{id}/archive", CourseAuthors(Ok),
            async s => await Send(HttpMethod.Post, $"/api/v1/courses/{await s.Courses.PublishedAsync()}/archive", null, ifMatch: true), Ok),
        new("GET", "/api/v1/courses/{id}/runs", Everyone, s => Get($"/api/v1/courses/{s.ThisCourse}/runs")),
        new("GET", "/api/v1/courses/{id}/runs/{runId}", Everyone, s => Get($"/api/v1/courses/{s.ThisCourse}/runs/{s.Courses.ThisRun}")),
        new("POST", "/api/v1/courses/{id}/runs", CourseAuthors(Created), s => Send(HttpMethod.Post, $"/api/v1/courses/{s.ThisCourse}/runs", CourseScenario.NewRun()), Created),
        new("POST", "/api/v1/courses/{id}/runs/{runId}/publish", CourseAuthors(Ok),
            async s => await Send(HttpMethod.Post, $"/api/v1/courses/{s.ThisCourse}/runs/{await s.Courses.DraftRunAsync()}/publish", null, ifMatch: true), Ok),
        new("POST", "/api/v1/courses/{id}/runs/{runId}/enrolments", People(Created),
            async s => await Send(HttpMethod.Post, $"/api/v1/courses/{s.ThisCourse}/runs/{await s.Courses.OpenRunAsync()}/enrolments", new { badgeEmail = "matrix@school.example.eu" }), Created),
        new("GET", "/api/v1/courses/my/enrolments", People(Ok), s => Get("/api/v1/courses/my/enrolments"), Ok),
        new("GET", "/api/v1/courses/schools/{schoolId}/learning", Members(Ok), s => Get($"/api/v1/courses/schools/{s.ThisSchool}/learning")),
        new("GET", "/api/v1/courses/enrolments/{enrolmentId}", [Unauthorized, Ok, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Ok],
            s => Get($"/api/v1/courses/enrolments/{s.Courses.ThisEnrolment}"), Ok),
        new("POST", "/api/v1/courses/enrolments/{enrolmentId}/withdraw", [Unauthorized, Ok, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Ok],
            async s => await Send(HttpMethod.Post, $"/api/v1/courses/enrolments/{await s.Courses.FreshEnrolmentAsync()}/withdraw", null), Ok),
        new("PUT", "/api/v1/courses/enrolments/{enrolmentId}/lessons/{lessonId}", TheLearner(Ok),
            s => Send(HttpMethod.Put, $"/api/v1/courses/enrolments/{s.Courses.ThisEnrolment}/lessons/{s.Courses.ThisReading}", new { state = "started" }), NotFound),
        new("POST", "/api/v1/courses/enrolments/{enrolmentId}/lessons/{lessonId}/attempts", TheLearner(Created),
            async s => await Send(HttpMethod.Post, $"/api/v1/courses/enrolments/{await s.Courses.FreshEnrolmentAsync()}/lessons/{s.Courses.ThisQuiz}/attempts",
                new { answers = Array.Empty<object>() }), NotFound),
        new("GET", "/api/v1/courses/{id}/analytics", [Unauthorized, Forbidden, Forbidden, Forbidden, Ok, Ok, Ok, Ok], s => Get($"/api/v1/courses/{s.ThisCourse}/analytics"), Ok),
        new("GET", "/api/v1/courses/{id}/analytics/countries", [Unauthorized, Forbidden, Forbidden, Forbidden, Ok, Ok, Ok, Ok],
            s => Get($"/api/v1/courses/{s.ThisCourse}/analytics/countries?format=csv"), Ok),
        new("GET", "/api/v1/courses/my/data", People(Ok), s => Get("/api/v1/courses/my/data"), Ok),
        new("DELETE", "/api/v1/courses/learners/{learnerId}/data", AdminsOnly(NoContent), s => Send(HttpMethod.Delete, $"/api/v1/courses/learners/{Guid.NewGuid()}/data", null)),

        new("GET", "/api/v1/badges/issuer", Everyone, s => Get("/api/v1/badges/issuer")),
        new("GET", "/api/v1/badges/issuer/jwks", Everyone, s => Get("/api/v1/badges/issuer/jwks")),
        new("GET", "/api/v1/badges/achievements/{courseId}", Everyone, s => Get($"/api/v1/badges/achievements/{s.ThisCourse}")),
        new("GET", "/api/v1/badges/credentials/{id}", Everyone, s => Get($"/api/v1/badges/credentials/{s.Courses.ThisCredential}")),
        new("GET", "/api/v1/badges/credentials/{id}/verification", Everyone, s => Get($"/api/v1/badges/credentials/{s.Courses.ThisCredential}/verification")),
        new("POST", "/api/v1/badges/verify", Everyone, s => Send(HttpMethod.Post, "/api/v1/badges/verify", new { credential = "not.a.credential" })),
        new("POST", "/api/v1/badges/credentials/{id}/revoke", AdminsOnly(Ok),
            async s => await Send(HttpMethod.Post, $"/api/v1/badges/credentials/{await s.Courses.FreshCredentialAsync()}/revoke", new { reason = "Matrix" })),
        new("GET", "/api/v1/badges/status-lists/{list}", Everyone, s => Get("/api/v1/badges/status-lists/1")),
        new("GET", "/api/v1/badges/v2/issuer", Everyone, s => Get("/api/v1/badges/v2/issuer")),
        new("GET", "/api/v1/badges/v2/badge-classes/{courseId}", Everyone, s => Get($"/api/v1/badges/v2/badge-classes/{s.ThisCourse}")),
        new("GET", "/api/v1/badges/v2/badge-classes/{courseId}/image", Everyone, s => Get($"/api/v1/badges/v2/badge-classes/{s.ThisCourse}/image")),
        new("GET", "/api/v1/badges/v2/assertions/{id}", Everyone, s => Get($"/api/v1/badges/v2/assertions/{s.Courses.ThisCredential}")),
        new("GET", "/api/v1/community/spaces", Members(Ok), s => Get("/api/v1/community/spaces")),
        new("GET", "/api/v1/community/schools/{schoolId}/activity", Members(Ok), s => Get($"/api/v1/community/schools/{s.ThisSchool}/activity")),
        new("GET", "/api/v1/community/spaces/{id}", Members(Ok), s => Get($"/api/v1/community/spaces/{s.Community.ThisSpace}")),
        new("POST", "/api/v1/community/spaces", HungarianMinistry(Created),
            s => Send(HttpMethod.Post, "/api/v1/community/spaces", new { kind = "country", name = "Matrix", country = "HU" }), Forbidden),
        new("GET", "/api/v1/community/spaces/{id}/threads", Members(Ok), s => Get($"/api/v1/community/spaces/{s.Community.ThisSpace}/threads")),
        new("POST", "/api/v1/community/spaces/{id}/threads", People(Created),
            s => Send(HttpMethod.Post, $"/api/v1/community/spaces/{s.Community.ThisSpace}/threads", CommunityScenario.NewThread()), Created),
        new("GET", "/api/v1/community/threads/{threadId}", Members(Ok), s => Get($"/api/v1/community/threads/{s.Community.ThisThread}")),
        new("POST", "/api/v1/community/threads/{threadId}/posts", People(Created),
            s => Send(HttpMethod.Post, $"/api/v1/community/threads/{s.Community.ThisThread}/posts", new { body = "Matrix reply" }), Created),
        new("PUT", "/api/v1/community/posts/{postId}", [Unauthorized, Ok, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden],
            s => Send(HttpMethod.Put, $"/api/v1/community/posts/{s.Community.ThisPost}", new { body = "Hogyan mentorálunk jól?" }), Forbidden),
        new("GET", "/api/v1/community/posts/{postId}/revisions", [Unauthorized, Ok, Forbidden, Forbidden, Ok, Forbidden, Ok, Ok],
            s => Get($"/api/v1/community/posts/{s.Community.ThisPost}/revisions"), Forbidden),
        new("PUT", "/api/v1/community/posts/{postId}/reactions/{kind}", People(NoContent),
            s => Send(HttpMethod.Put, $"/api/v1/community/posts/{s.Community.ThisPost}/reactions/thanks", null), NoContent),
        new("DELETE", "/api/v1/community/posts/{postId}/reactions/{kind}", People(NoContent),
            s => Send(HttpMethod.Delete, $"/api/v1/community/posts/{s.Community.ThisPost}/reactions/thanks", null), NoContent),
        new("POST", "/api/v1/community/posts/{id}/reports", Members(Created),
            s => Send(HttpMethod.Post, $"/api/v1/community/posts/{s.Community.ThisPost}/reports", new { reason = "Matrix" }), Created),
        new("GET", "/api/v1/community/reports", [Unauthorized, Forbidden, Forbidden, Forbidden, Ok, Ok, Ok, Ok], s => Get("/api/v1/community/reports"), Forbidden),
        new("GET", "/api/v1/community/approvals", [Unauthorized, Forbidden, Forbidden, Forbidden, Ok, Ok, Ok, Ok], s => Get("/api/v1/community/approvals"), Forbidden),
        new("POST", "/api/v1/community/posts/{id}/hide", HungarianMinistry(Ok),
            async s => await Send(HttpMethod.Post, $"/api/v1/community/posts/{await s.Community.FreshPostAsync()}/hide", new { reason = "Matrix" }), Forbidden),
        new("POST", "/api/v1/community/posts/{id}/restore", HungarianMinistry(Ok),
            async s => await Send(HttpMethod.Post, $"/api/v1/community/posts/{await s.Community.FreshHiddenPostAsync()}/restore", new { reason = "Matrix" }), Forbidden),
        new("POST", "/api/v1/community/posts/{id}/approve", HungarianMinistry(Ok),
            async s => await Send(HttpMethod.Post, $"/api/v1/community/posts/{await s.Community.FreshHeldPostAsync()}/approve", null), Forbidden),
        new("POST", "/api/v1/community/spaces/{id}/resources", People(Created),
            s => Send(HttpMethod.Post, $"/api/v1/community/spaces/{s.Community.ThisSpace}/resources", CommunityScenario.NewResource()), Created),
        new("GET", "/api/v1/community/resources", Members(Ok), s => Get($"/api/v1/community/resources?q=matrix&spaceId={s.Community.ThisSpace}")),
        new("GET", "/api/v1/community/resources/{id}", Members(Ok), s => Get($"/api/v1/community/resources/{s.Community.ThisResource}")),
        new("POST", "/api/v1/community/resources/{id}/reports", Members(Created),
            s => Send(HttpMethod.Post, $"/api/v1/community/resources/{s.Community.ThisResource}/reports", new { reason = "Matrix" }), Created),
        new("POST", "/api/v1/community/resources/{id}/hide", HungarianMinistry(Ok),
            async s => await Send(HttpMethod.Post, $"/api/v1/community/resources/{await s.Community.FreshResourceAsync()}/hide", new { reason = "Matrix" }), Forbidden),
        new("POST", "/api/v1/community/resources/{id}/restore", HungarianMinistry(Ok),
            async s => await Send(HttpMethod.Post, $"/api/v1/community/resources/{await s.Community.FreshHiddenResourceAsync()}/restore", new { reason = "Matrix" }), Forbidden),
        new("POST", "/api/v1/community/resources/{id}/approve", HungarianMinistry(Ok),
            async s => await Send(HttpMethod.Post, $"/api/v1/community/resources/{await s.Community.FreshHeldResourceAsync()}/approve", null), Forbidden),
        new("POST", "/api/v1/community/spaces/{id}/webinars", People(Created),
            s => Send(HttpMethod.Post, $"/api/v1/community/spaces/{s.Community.ThisSpace}/webinars", CommunityScenario.NewWebinar()), Created),
        new("GET", "/api/v1/community/spaces/{id}/webinars", Members(Ok), s => Get($"/api/v1/community/spaces/{s.Community.ThisSpace}/webinars")),
        new("GET", "/api/v1/community/webinars/{webinarId}", Members(Ok), s => Get($"/api/v1/community/webinars/{s.Community.ThisWebinar}")),
        new("PUT", "/api/v1/community/webinars/{webinarId}/rsvp", People(Ok), s => Send(HttpMethod.Put, $"/api/v1/community/webinars/{s.Community.ThisWebinar}/rsvp", null), Ok),
        new("DELETE", "/api/v1/community/webinars/{webinarId}/rsvp", People(Ok),
            s => Send(HttpMethod.Delete, $"/api/v1/community/webinars/{s.Community.ThisWebinar}/rsvp", null), Ok),
        new("GET", "/api/v1/community/spaces/{id}/activity", Members(Ok), s => Get($"/api/v1/community/spaces/{s.Community.ThisSpace}/activity")),
        new("GET", "/api/v1/community/live", Members(Ok), s => Get("/api/v1/community/live")),
        new("GET", "/api/v1/community/search", Members(Ok), s => Get("/api/v1/community/search?q=mentor%C3%A1lunk")),
        new("GET", "/api/v1/community/me/profile", People(Ok), s => Get("/api/v1/community/me/profile"), Ok),
        new("PUT", "/api/v1/community/me/profile", People(Ok), s => Send(HttpMethod.Put, "/api/v1/community/me/profile", new { displayName = "Matrix", languages = new[] { "hu" } }), Ok),
        new("POST", "/api/v1/community/spaces/{id}/read", People(NoContent), s => Send(HttpMethod.Post, $"/api/v1/community/spaces/{s.Community.ThisSpace}/read", null), NoContent),
        new("GET", "/api/v1/community/me/unread", People(Ok), s => Get("/api/v1/community/me/unread"), Ok),
        new("GET", "/api/v1/community/me/data", People(Ok), s => Get("/api/v1/community/me/data"), Ok),
        new("DELETE", "/api/v1/community/members/{memberId}/data", AdminsOnly(NoContent), s => Send(HttpMethod.Delete, $"/api/v1/community/members/{Guid.NewGuid()}/data", null)),
        // Last of the community's rows: it erases every caller's own posts' authorship, which the rows above use.
        new("DELETE", "/api/v1/community/me/data", People(NoContent), s => Send(HttpMethod.Delete, "/api/v1/community/me/data", null), NoContent),

        new("GET", "/api/v1/policy/indicators", Members(Ok), s => Get("/api/v1/policy/indicators?country=HU&approach=top-down&asOf=2026-06-30")),
        new("GET", "/api/v1/policy/indicators/definitions", Everyone, s => Get("/api/v1/policy/indicators/definitions")),
        new("POST", "/api/v1/policy/evidence/rebuild", AdminsOnly(Ok), s => Send(HttpMethod.Post, "/api/v1/policy/evidence/rebuild", null)),
        new("POST", "/api/v1/policy/snapshots", Ministries(Created), s => Send(HttpMethod.Post, "/api/v1/policy/snapshots", new { title = "Matrix" }), Forbidden),
        new("GET", "/api/v1/policy/snapshots", Everyone, s => Get("/api/v1/policy/snapshots")),
        new("GET", "/api/v1/policy/snapshots/{id}", Everyone, s => Get($"/api/v1/policy/snapshots/{s.Policy.ThisSnapshot}?format=csv")),
        new("GET", "/api/v1/policy/documents", Everyone, s => Get("/api/v1/policy/documents?country=HU&kind=recommendation")),
        new("GET", "/api/v1/policy/documents/{id}", Everyone, s => Get($"/api/v1/policy/documents/{s.Policy.ThisDocument}")),
        new("GET", "/api/v1/policy/documents/{id}/versions/{number}", Everyone, s => Get($"/api/v1/policy/documents/{s.Policy.ThisDocument}/versions/1")),
        new("GET", "/api/v1/policy/documents/{id}/diff", Everyone, s => Get($"/api/v1/policy/documents/{s.Policy.ThisDocument}/diff?from=1&to=1")),
        new("POST", "/api/v1/policy/documents", HungarianMinistry(Created), s => Send(HttpMethod.Post, "/api/v1/policy/documents", s.Policy.NewDocument()), Forbidden),
        // A draft is its country's: another ministry is told there is no such document.
        new("PUT", "/api/v1/policy/documents/{id}/draft", DraftAuthors(Ok),
            async s => await Send(HttpMethod.Put, $"/api/v1/policy/documents/{await s.Policy.FreshDraftAsync()}/draft",
                new { title = "Matrix, changed", body = "Pair schools.", audience = new[] { "teachers" } }), Forbidden),
        new("POST", "/api/v1/policy/documents/{id}/submit", DraftAuthors(Ok),
            async s => await Send(HttpMethod.Post, $"/api/v1/policy/documents/{await s.Policy.FreshDraftAsync()}/submit", null), Forbidden),
        new("POST", "/api/v1/policy/documents/{id}/return", DraftAuthors(Ok),
            async s => await Send(HttpMethod.Post, $"/api/v1/policy/documents/{await s.Policy.FreshInReviewAsync()}/return", null), Forbidden),
        new("POST", "/api/v1/policy/documents/{id}/publish", DraftAuthors(Ok),
            async s => await Send(HttpMethod.Post, $"/api/v1/policy/documents/{await s.Policy.FreshInReviewAsync()}/publish", null), Forbidden),
        new("POST", "/api/v1/policy/documents/{id}/withdraw", HungarianMinistry(Ok),
            async s => await Send(HttpMethod.Post, $"/api/v1/policy/documents/{await s.Policy.FreshPublishedAsync()}/withdraw", null), Forbidden),
        new("POST", "/api/v1/policy/documents/{id}/versions", HungarianMinistry(Created),
            async s => await Send(HttpMethod.Post, $"/api/v1/policy/documents/{await s.Policy.FreshPublishedAsync()}/versions", null), Forbidden),
        // Other countries' officers endorse; HU's own ministry (its officer and machine client) may not, nor may admins (not a ministry).
        new("PUT", "/api/v1/policy/documents/{id}/endorsements/mine", [Unauthorized, Forbidden, Forbidden, Forbidden, Unprocessable, Ok, Unprocessable, Forbidden],
            s => Send(HttpMethod.Put, $"/api/v1/policy/documents/{s.Policy.ThisDocument}/endorsements/mine", null), Forbidden),
        new("GET", "/api/v1/policy/documents/{id}/comments", Ministries(Ok), s => Get($"/api/v1/policy/documents/{s.Policy.ThisDocument}/comments"), Forbidden),
        new("POST", "/api/v1/policy/documents/{id}/comments", Ministries(Created),
            s => Send(HttpMethod.Post, $"/api/v1/policy/documents/{s.Policy.ThisDocument}/comments", new { body = "Matrix" }), Forbidden),
        new("POST", "/api/v1/policy/sessions", HungarianMinistry(Created), s => Send(HttpMethod.Post, "/api/v1/policy/sessions", PolicyScenario.NewSession()), Forbidden),
        new("GET", "/api/v1/policy/sessions", Everyone, s => Get("/api/v1/policy/sessions?country=HU")),
        new("GET", "/api/v1/policy/sessions/{id}", Everyone, s => Get($"/api/v1/policy/sessions/{s.Policy.ThisSession}")),

        // Last of the courses' rows: it erases every caller's own enrolments, which the rows above use.
        new("DELETE", "/api/v1/courses/my/data", People(NoContent), s => Send(HttpMethod.Delete, "/api/v1/courses/my/data", null), NoContent),

        // Operations, last: the rebuild clears Clusters' school snapshots, which the rows above rely on.
        new("POST", "/api/v1/schools/events/replay", AdminsOnly(Ok), s => Send(HttpMethod.Post, "/api/v1/schools/events/replay",
            new { events = new[] { "mensi.registry.school-registered" }, since = DateTimeOffset.UtcNow.AddMinutes(1) })),
        new("POST", "/api/v1/clusters/schools/rebuild", AdminsOnly(Ok), s => Send(HttpMethod.Post, "/api/v1/clusters/schools/rebuild", null)),
        new("POST", "/api/v1/community/spaces/memberships/rebuild", AdminsOnly(Ok), s => Send(HttpMethod.Post, "/api/v1/community/spaces/memberships/rebuild", null)),
    ];

    [Fact]
    public async Task Every_documented_endpoint_answers_every_caller_as_the_security_model_says()
    {
        var documented = await DocumentedEndpointsAsync();
        var declared = Matrix.Select(r => $"{r.Method} {r.Path}").ToHashSet(StringComparer.Ordinal);
        Assert.True(documented.Except(declared).ToList() is { Count: 0 }, "Endpoints with no row in the authorization matrix: "
            + string.Join(", ", documented.Except(declared)));
        Assert.True(declared.Except(documented).ToList() is { Count: 0 }, "Rows for endpoints no service documents: "
            + string.Join(", ", declared.Except(documented)));

        var scenario = await Scenario.CreateAsync(graph);
        var mismatches = new List<string>();
        foreach (var row in Matrix)
        {
            for (var i = 0; i < Callers.Length; i++)
            {
                using var client = graph.Client(scenario.Tokens[Callers[i]]);
                using var request = await row.Request(scenario);
                // Headers only: the live endpoint streams until the client leaves.
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                if ((int)response.StatusCode != row.ExpectedFor(i))
                {
                    var body = await response.Content.ReadAsStringAsync();
                    mismatches.Add($"{row.Method} {row.Path} as {Callers[i]}: expected {row.ExpectedFor(i)}, got {(int)response.StatusCode} {body[..Math.Min(body.Length, 160)]}");
                }
            }
        }

        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
    }

    /// <summary>"METHOD /path" for every operation in the OpenAPI document of every service the AppHost runs.</summary>
    private async Task<HashSet<string>> DocumentedEndpointsAsync()
    {
        var endpoints = new HashSet<string>(StringComparer.Ordinal);
        using var http = new HttpClient();
        foreach (var service in graph.App.Resources.OfType<ProjectResource>().Where(p => p.Name != "gateway"))
        {
            var document = await http.GetFromJsonAsync<JsonElement>($"{service.HttpEndpoint}/openapi/v1.json");
            foreach (var path in document.GetProperty("paths").EnumerateObject())
            {
                foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete"))
                {
                    endpoints.Add($"{operation.Name.ToUpperInvariant()} {path.Name}");
                }
            }
        }

        Assert.NotEmpty(endpoints);
        return endpoints;
    }

    private static Task<HttpRequestMessage> Get(string path) => Send(HttpMethod.Get, path, null);

    private static Task<HttpRequestMessage> Send(HttpMethod method, string path, object? body, bool ifMatch = false) =>
        Task.FromResult(JsonRequests.Create(method, path, body, method == HttpMethod.Put || ifMatch ? "*" : null));

    /// <summary>The resources the rows act on, and a token for each caller.</summary>
    private sealed class Scenario
    {
        private static int _nextNationalId = 300_000;
        private HttpClient _admin = null!;

        public Dictionary<string, string?> Tokens { get; } = [];
        public Guid ThisSchool { get; private set; }
        public Guid SomeUser { get; private set; }
        public Guid ThisContact { get; private set; }
        public Guid ThisApplication { get; private set; }
        /// <summary>A forming HU cluster: <see cref="ThisSchool"/> mentors <see cref="ThisMentee"/>.</summary>
        public Guid ThisCluster { get; private set; }
        public Guid ThisMentee { get; private set; }
        public Guid ThisGoal { get; private set; }
        public CourseScenario Courses { get; private set; } = null!;
        public CommunityScenario Community { get; private set; } = null!;
        public PolicyScenario Policy { get; private set; } = null!;
        public Guid ThisCourse => Courses.ThisCourse;
        private readonly Queue<Guid> _freeMentees = new();
        public static string Today => DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        public static async Task<Scenario> CreateAsync(GraphFixture graph)
        {
            var scenario = new Scenario();
            // An admin of its own: the matrix's few hundred calls must not share the seeded admin's gateway rate limit with the other tests.
            var admin = await graph.Tokens.NewUserTokenAsync(Persona.NetworkAdmin);
            scenario._admin = graph.Client(admin);
            scenario.ThisSchool = await scenario.CreateAsync("/api/v1/schools", scenario.NewHungarianSchool(), "id");
            var otherSchool = await scenario.CreateAsync("/api/v1/schools", scenario.NewHungarianSchool(), "id");
            scenario.SomeUser = Guid.Parse(await scenario.FreshUserAsync());
            scenario.ThisContact = Guid.Parse(await scenario.FreshContactAsync());
            scenario.ThisApplication = await scenario.FreshApplicationAsync();
            await scenario.SetUpClustersAsync();

            using var tokens = new TokenClient(graph.Gateway);
            scenario.Tokens["anonymous"] = null;
            scenario.Tokens["teacher"] = await graph.Tokens.TokenForAsync(Persona.Teacher);
            scenario.Tokens["coordinator"] = await graph.Tokens.TokenForAsync(Persona.Coordinator(scenario.ThisSchool));
            scenario.Tokens["other-coordinator"] = await graph.Tokens.TokenForAsync(Persona.Coordinator(otherSchool));
            scenario.Tokens["ministry"] = await graph.Tokens.TokenForAsync(Persona.MinistryOfficer("HU"));
            scenario.Tokens["other-ministry"] = await graph.Tokens.TokenForAsync(Persona.MinistryOfficer("HR"));
            scenario.Tokens["machine"] = (await tokens.ClientCredentialsAsync(IdentityHost.MachineClientId, IdentityHost.MachineClientSecret)).AccessToken;
            scenario.Tokens["admin"] = admin;
            scenario.Tokens["course-manager"] = await graph.Tokens.TokenForAsync(new Persona("course-manager"));
            scenario.Courses = await CourseScenario.CreateAsync(scenario._admin, graph.Client(scenario.Tokens["teacher"]));
            // Every person writes fresh posts in turn: a member's posts per minute are limited.
            var people = new[] { "teacher", "coordinator", "other-coordinator", "ministry", "other-ministry", "admin", "course-manager" }.Select(c => graph.Client(scenario.Tokens[c])).ToList();
            // An admin of its own: the policy rows' fresh documents would spend the main admin's gateway rate limit.
            scenario.Policy = await PolicyScenario.CreateAsync(graph.Client(await graph.Tokens.NewUserTokenAsync(Persona.NetworkAdmin)));
            scenario.Community = await CommunityScenario.CreateAsync(scenario._admin, people[0], people,
                async () => graph.Client(await graph.Tokens.NewUserTokenAsync(Persona.Teacher)));
            return scenario;
        }

        /// <summary>
        /// Schools made members in the Registry (ThisSchool the mentor, ThisMentee and a pool of mentees for activations,
        /// each of which keeps its mentee busy), then a cluster once Clusters has their events.
        /// </summary>
        private async Task SetUpClustersAsync()
        {
            await _admin.MakeMemberAsync(ThisSchool, "mentor");
            ThisMentee = await FreshHungarianSchoolAsync();
            await _admin.MakeMemberAsync(ThisMentee, "mentee");
            for (var i = 0; i < 18; i++)
            {
                var mentee = await FreshHungarianSchoolAsync();
                await _admin.MakeMemberAsync(mentee, "mentee");
                _freeMentees.Enqueue(mentee);
            }

            foreach (var school in _freeMentees.Append(ThisMentee).Append(ThisSchool))
            {
                await Eventually.UntilAsync(() => _admin.GetFromJsonAsync<JsonElement>($"/api/v1/clusters/schools/{school}"),
                    f => f.GetProperty("status").GetString() == "active" && f.GetProperty("role").GetString() != "none", TimeSpan.FromSeconds(30));
            }

            ThisCluster = await FreshClusterAsync(ThisMentee);
            ThisGoal = await CreateAsync($"/api/v1/clusters/{ThisCluster}/plan/goals", NewGoal(), "id");
        }

        public object NewCluster() => new { name = "Matrix klaszter", mentorSchoolId = ThisSchool, approach = "top-down", initiation = "ministry", participation = "voluntary" };

        /// <summary>A new forming cluster of ThisSchool, with <paramref name="mentee"/> when given.</summary>
        public async Task<Guid> FreshClusterAsync(Guid? mentee = null)
        {
            var cluster = await CreateAsync("/api/v1/clusters", NewCluster(), "id");
            if (mentee is { } school)
            {
                using var response = await _admin.SendAsync(await Send(HttpMethod.Post, $"/api/v1/clusters/{cluster}/mentees", new { schoolId = school }, ifMatch: true));
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Adding a mentee answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }

            return cluster;
        }

        public async Task<Guid> FreshActiveClusterAsync()
        {
            var cluster = await FreshClusterAsync(NextFreeMentee());
            using var response = await _admin.SendAsync(await Send(HttpMethod.Post, $"/api/v1/clusters/{cluster}/activate", null, ifMatch: true));
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Activating answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return cluster;
        }

        /// <summary>A mentee in no active cluster yet (activation makes it busy for good in this scenario).</summary>
        public Guid NextFreeMentee() => _freeMentees.Dequeue();

        public object NewActivity() => new
        {
            type = "workshop", mode = "online", heldOn = Today, durationHours = 1.5m,
            participants = new[] { new { schoolId = ThisSchool, staff = 3 } },
            costs = new { staffHours = 2m, travelEuro = 0m, substitutionEuro = 0m, materialsEuro = 10m, otherEuro = 0m },
        };

        public object NewGoal() => new { schoolId = ThisMentee, title = "Matrix goal", milestones = new[] { new { title = "First step", dueOn = "2027-01-31" } } };

        public object NewApplication() => new
        {
            country = "HU",
            nationalId = Interlocked.Increment(ref _nextNationalId).ToString(System.Globalization.CultureInfo.InvariantCulture),
            name = "Mátrix Általános Iskola",
            educationLevels = new[] { "primary" },
            motivation = "We would like to join the network as a mentee school.",
            requestedRole = "mentee",
            contact = new { name = "Matrix Person", email = "matrix@iskola.example.hu", consent = true },
        };

        public Task<Guid> FreshApplicationAsync() => CreateAsync("/api/v1/applications", NewApplication(), "id");

        public object NewHungarianSchool() => new
        {
            country = "HU",
            nationalId = Interlocked.Increment(ref _nextNationalId).ToString(System.Globalization.CultureInfo.InvariantCulture),
            name = "Mátrix Általános Iskola",
            educationLevels = new[] { "primary" },
        };

        public static readonly Dictionary<string, int> SelfieScores = new()
        {
            ["leadership"] = 3, ["collaborationAndNetworking"] = 3, ["infrastructureAndEquipment"] = 4, ["continuingProfessionalDevelopment"] = 2,
            ["pedagogySupportsAndResources"] = 3, ["pedagogyImplementationInTheClassroom"] = 3, ["assessmentPractices"] = 2, ["studentDigitalCompetence"] = 3,
        };

        /// <summary>A new applicant school in HU, for moves that can happen once per school.</summary>
        public async Task<Guid> FreshHungarianSchoolAsync() => await CreateAsync("/api/v1/schools", NewHungarianSchool(), "id");

        public async Task<string> FreshContactAsync() => (await CreateAsync($"/api/v1/schools/{ThisSchool}/contacts",
            new { name = "Matrix Person", email = "matrix@iskola.example.hu", consent = true }, "id")).ToString();

        public static string UniqueClientId() => $"matrix-{Guid.NewGuid():N}"[..20];

        public async Task<string> FreshUserAsync() => (await CreateAsync("/api/v1/users", new
        {
            email = $"matrix-{Guid.NewGuid():N}@tests.mensi.example", displayName = "Matrix", password = "Matrix-password-1", roles = new[] { "teacher" },
        }, "id")).ToString();

        public async Task<string> FreshClientAsync() => (await CreateRawAsync("/api/v1/clients",
            new { clientId = UniqueClientId(), displayName = "Matrix", country = "PT" }, "clientId")).GetString()!;

        private async Task<Guid> CreateAsync(string path, object body, string idProperty) => (await CreateRawAsync(path, body, idProperty)).GetGuid();

        private async Task<JsonElement> CreateRawAsync(string path, object body, string idProperty)
        {
            using var response = await _admin.PostAsJsonAsync(path, body);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Setting up {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty(idProperty).Clone();
        }
    }
}
