using System.Net.Http.Json;
using MenSI.Hosting;
using MenSI.Testing;
using MenSI.Testing.Security;
using Xunit;

namespace MenSI.EndToEnd.Tests;

/// <summary>
/// The MOOC as its users meet it, through the gateway of the whole graph: a course manager publishes a course and a run,
/// a teacher enrols and completes it, a ministry system's plain AMQP consumer receives the three events, and anyone
/// verifies the credential anonymously.
/// </summary>
[Collection(SharedGraph.Name)]
public class CourseFlowTests(GraphFixture graph)
{
    [Fact]
    public async Task A_completed_course_reaches_a_plain_AMQP_consumer_and_its_credential_verifies_through_the_gateway()
    {
        await using var ministry = await EventListener.StartAsync(graph.App.Get<RabbitMqResource>("rabbitmq").ConnectionString,
            "mensi.courses.course-run-published", "mensi.courses.learner-enrolled", "mensi.courses.course-completed");
        using var author = graph.Client(await graph.Tokens.TokenForAsync(new Persona("course-manager")));
        using var teacher = graph.Client(await graph.Tokens.TokenForAsync(Persona.Teacher));
        var course = await CourseScenario.CreateAsync(author, teacher);

        var published = await ministry.WaitForAsync(e => e.Exchange == "mensi.courses.course-run-published" && e.Body.GetProperty("runId").GetGuid() == course.ThisRun);
        Assert.Equal(course.ThisCourse, published[0].Body.GetProperty("courseId").GetGuid());
        Assert.Equal("application/json", published[0].ContentType);
        var enrolled = await ministry.WaitForAsync(e => e.Exchange == "mensi.courses.learner-enrolled" && e.Body.GetProperty("enrolmentId").GetGuid() == course.ThisEnrolment);
        Assert.False(enrolled[0].Body.GetProperty("fromWaitingList").GetBoolean());
        var completed = await ministry.WaitForAsync(e => e.Exchange == "mensi.courses.course-completed" && e.Body.GetProperty("enrolmentId").GetGuid() == course.ThisEnrolment);
        Assert.Equal(course.ThisCredential, completed[0].Body.GetProperty("credentialId").GetGuid());
        foreach (var received in published.Concat(enrolled).Concat(completed))
        {
            Assert.DoesNotContain("@", received.Body.GetRawText(), StringComparison.Ordinal);
        }

        using var anonymous = graph.Client();
        var document = await anonymous.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/badges/credentials/{course.ThisCredential}");
        // The credential names the gateway's address, where a verifier finds the issuer's keys.
        var issuer = document.GetProperty("credential").GetProperty("issuer").GetProperty("id").GetString()!;
        Assert.StartsWith(graph.Gateway.ToString().TrimEnd('/').Replace("127.0.0.1", "localhost", StringComparison.Ordinal), issuer.Replace("127.0.0.1", "localhost", StringComparison.Ordinal), StringComparison.Ordinal);
        using var verified = await anonymous.PostAsJsonAsync("/api/v1/badges/verify", new { credential = document.GetProperty("jwt").GetString() });
        Assert.Equal("valid", (await verified.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("status").GetString());

        // Every event on the wire so far keeps the AsyncAPI contract the gateway serves.
        Assert.Superset(new HashSet<string>(["mensi.courses.course-run-published", "mensi.courses.learner-enrolled", "mensi.courses.course-completed"]),
            new HashSet<string>(await graph.WireKeepsTheContractAsync()));
    }

    /// <summary>
    /// The course catalogue through the gateway's cache: anonymous readers are answered from Redis, and a course's
    /// publication, revision and archiving, each announced by its event, reach them within a second.
    /// </summary>
    [Fact]
    public async Task The_catalogue_is_cached_and_a_course_published_revised_or_archived_reaches_anonymous_readers_within_a_second()
    {
        await using var ministry = await EventListener.StartAsync(graph.App.Get<RabbitMqResource>("rabbitmq").ConnectionString,
            "mensi.courses.course-published", "mensi.courses.course-revised", "mensi.courses.course-archived");
        using var author = graph.Client(await graph.Tokens.TokenForAsync(new Persona("course-manager")));
        using var anonymous = graph.Client();
        // Maltese: no other test writes a course in it, so this list holds only this test's course.
        const string catalogue = "/api/v1/courses?language=mt&pageSize=100";
        object Details(string title) => new { title, summary = "Cached in the gateway.", language = "mt", audience = "teachers", estimatedHours = 2m, licence = "CC-BY-4.0" };
        var course = (await author.PostAsJsonAsync("/api/v1/courses", Details("Kors fil-cache")).OkAsync()).GetProperty("id").GetGuid();
        await author.SendJsonAsync(HttpMethod.Put, $"/api/v1/courses/{course}/outline", CourseScenario.Outline(), "*").OkAsync();

        Assert.True(await PublicCache.AnsweredFromCacheAsync(anonymous, catalogue), "the catalogue was never answered from the cache");
        await PublicCache.SeenWithinASecondAsync(() => author.SendJsonAsync(HttpMethod.Post, $"/api/v1/courses/{course}/publish", null, "*"),
            () => PublicCache.ListsAsync(anonymous, catalogue, course), listed => listed);

        Assert.True(await PublicCache.AnsweredFromCacheAsync(anonymous, $"/api/v1/courses/{course}"), "the course was never answered from the cache");
        await PublicCache.SeenWithinASecondAsync(() => author.SendJsonAsync(HttpMethod.Put, $"/api/v1/courses/{course}", Details("Kors rivedut"), "*"),
            async () => (await anonymous.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/courses/{course}")).GetProperty("title").GetString(), title => title == "Kors rivedut");

        Assert.True(await PublicCache.AnsweredFromCacheAsync(anonymous, catalogue), "the catalogue was never answered from the cache");
        await PublicCache.SeenWithinASecondAsync(() => author.SendJsonAsync(HttpMethod.Post, $"/api/v1/courses/{course}/archive", null, "*"),
            () => PublicCache.ListsAsync(anonymous, catalogue, course), listed => !listed);

        // A ministry system hears the same three facts, with what it needs to follow the catalogue.
        var published = (await ministry.WaitForAsync(e => e.Exchange == "mensi.courses.course-published" && e.Body.GetProperty("courseId").GetGuid() == course))[0];
        Assert.Equal(("Kors fil-cache", "teachers", 1), (published.Body.GetProperty("title").GetString(), published.Body.GetProperty("audience").GetString(),
            published.Body.GetProperty("moduleIds").GetArrayLength()));
        var revised = (await ministry.WaitForAsync(e => e.Exchange == "mensi.courses.course-revised" && e.Body.GetProperty("courseId").GetGuid() == course))[0];
        Assert.Equal("details", revised.Body.GetProperty("change").GetString());
        await ministry.WaitForAsync(e => e.Exchange == "mensi.courses.course-archived" && e.Body.GetProperty("courseId").GetGuid() == course);
        Assert.Superset(new HashSet<string>(["mensi.courses.course-published", "mensi.courses.course-revised", "mensi.courses.course-archived"]),
            new HashSet<string>(await graph.WireKeepsTheContractAsync()));
    }
}
