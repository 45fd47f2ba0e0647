using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MenSI.ServiceDefaults.Messaging;
using MenSI.Testing;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace MenSI.Registry.Tests.Schools;

/// <summary>The schools API over HTTP against real PostgreSQL, RabbitMQ and Redis.</summary>
public class SchoolsApiTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    private readonly HttpClient _client = registry.Client;

    [Fact]
    public async Task A_registered_school_is_stored_published_and_readable_with_an_etag()
    {
        await using var listener = await EventListener.StartAsync(registry.AmqpUri, "mensi.registry.school-registered");
        var body = SchoolBodies.Valid();

        var created = await _client.PostAsync(body);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("\"1\"", created.Headers.ETag?.Tag);
        var school = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = school.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/schools/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal("om-azonosito", school.GetProperty("nationalIdScheme").GetString());
        Assert.Equal("applicant", school.GetProperty("status").GetString());
        Assert.Equal(["primary", "lower-secondary"], school.GetProperty("educationLevels").EnumerateArray().Select(e => e.GetString()));

        var read = await _client.GetAsync($"/api/v1/schools/{id}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("\"1\"", read.Headers.ETag?.Tag);
        Assert.Equal("Budapesti Általános Iskola", (await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString());

        var published = (await listener.WaitForAsync(e => e.Body.GetProperty("schoolId").GetGuid() == id)).Single();
        Assert.Equal("HU", published.Body.GetProperty("country").GetString());
        Assert.Equal((string)body["nationalId"]!, published.Body.GetProperty("nationalId").GetString());
        Assert.Equal(1, published.Body.GetProperty("version").GetInt32());
        Assert.Equal("mensi.registry.school-registered", published.Headers["cloudEvents:type"]);
        Assert.Equal("1.0", published.Headers["cloudEvents:specversion"]);
        Assert.Equal(published.Body.GetProperty("eventId").GetString(), published.Headers["cloudEvents:id"]);

        var eventId = published.Body.GetProperty("eventId").GetGuid();
        // Stamped sent when the dispatcher's batch commits, a moment after the broker confirmed (and delivered) it.
        var outbox = await Eventually.UntilAsync(() => registry.QueryAsync(db => db.Set<OutboxMessage>().AsNoTracking().SingleAsync(m => m.EventId == eventId)),
            row => row.SentAt is not null);
        Assert.Equal(typeof(MenSI.Contracts.Registry.SchoolRegistered).FullName, outbox.EventType);
        Assert.NotNull(outbox.SentAt);
    }

    [Fact]
    public async Task A_national_id_already_used_in_the_country_is_a_conflict_and_changes_nothing()
    {
        var nationalId = SchoolBodies.UniqueHungarianId();
        var first = await _client.PostAsync(SchoolBodies.Valid(nationalId));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var firstId = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var (schools, events) = (await registry.CountSchoolsAsync(), await registry.CountOutboxAsync());

        var second = await _client.PostAsync(SchoolBodies.Valid(nationalId, name: "Another name"));

        var problem = await ProblemAssert.IsProblemAsync(second, HttpStatusCode.Conflict, "urn:mensi:problem:duplicate");
        Assert.Equal(firstId, problem.GetProperty("existingSchoolId").GetGuid());
        Assert.Equal(schools, await registry.CountSchoolsAsync());
        Assert.Equal(events, await registry.CountOutboxAsync());
    }

    [Fact]
    public async Task The_same_national_id_in_another_country_is_another_school()
    {
        var czech = SchoolBodies.Valid("600012345", country: "CZ");
        Assert.Equal(HttpStatusCode.Created, (await _client.PostAsync(czech)).StatusCode);
        var slovak = SchoolBodies.Valid("600012345", country: "SK");
        Assert.Equal(HttpStatusCode.Created, (await _client.PostAsync(slovak)).StatusCode);
    }

    public static TheoryData<string, string> BadBodies => new()
    {
        { """{"country":"HU","nationalId":"123456","name":"Iskola",""", "body" },
        { """{"country":"HU","nationalId":"123456","name":"Iskola","educationLevels":["primary"],"pupils":"many"}""", "pupils" },
        { """{"country":"HU","nationalId":"123456","name":"Iskola","educationLevels":["kindergarten"]}""", "educationLevels[0]" },
        { """{"country":"HU","nationalId":"123456","name":"Iskola","educationLevels":[1]}""", "educationLevels[0]" },
        { """{"country":"HU","nationalId":"123456","name":"Iskola","educationLevels":["primary"],"colour":"red"}""", "colour" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Malformed_json_wrong_types_and_unknown_values_are_400_problems_naming_the_field(string json, string field)
    {
        var before = await registry.CountSchoolsAsync();

        var response = await _client.PostAsync("/api/v1/schools", new StringContent(json, Encoding.UTF8, "application/json"));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "urn:mensi:problem:validation");
        Assert.Contains(field, ProblemAssert.FieldErrors(problem));
        Assert.Equal(before, await registry.CountSchoolsAsync());
    }

    [Fact]
    public async Task Invalid_fields_are_all_reported_at_once()
    {
        var body = SchoolBodies.Valid("12345");
        body["country"] = "US";
        body["website"] = "not a url";
        body["pupils"] = -3;
        body["languages"] = new[] { "HUN" };

        var problem = await ProblemAssert.IsProblemAsync(await _client.PostAsync(body), HttpStatusCode.BadRequest, "urn:mensi:problem:validation");

        Assert.Equal(["country", "languages", "pupils", "website"], ProblemAssert.FieldErrors(problem).Order());
    }

    [Fact]
    public async Task A_national_id_not_fitting_the_scheme_is_rejected()
    {
        var problem = await ProblemAssert.IsProblemAsync(await _client.PostAsync(SchoolBodies.Valid("12345")), HttpStatusCode.BadRequest, "urn:mensi:problem:validation");
        Assert.Contains("6 digits", problem.GetProperty("errors").GetProperty("nationalId")[0].GetString(), StringComparison.Ordinal);
    }

    private async Task<(Guid Id, string ETag)> CreateAsync()
    {
        var created = await _client.PostAsync(SchoolBodies.Valid());
        created.EnsureSuccessStatusCode();
        return ((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(), created.Headers.ETag!.Tag);
    }

    private Task<HttpResponseMessage> PutAsync(Guid id, object body, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/schools/{id}") { Content = JsonContent.Create(body) };
        if (ifMatch is not null) request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        return _client.SendAsync(request);
    }

    private static Dictionary<string, object?> ProfileOf(Dictionary<string, object?> body)
    {
        body.Remove("country");
        body.Remove("nationalId");
        return body;
    }

    [Fact]
    public async Task An_update_with_the_current_etag_succeeds_and_publishes_what_changed()
    {
        await using var listener = await EventListener.StartAsync(registry.AmqpUri, "mensi.registry.school-profile-updated");
        var (id, etag) = await CreateAsync();
        var profile = ProfileOf(SchoolBodies.Valid());
        profile["name"] = "Budapesti Gimnázium";
        profile["teachers"] = 40;

        var updated = await PutAsync(id, profile, etag);

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("\"2\"", updated.Headers.ETag?.Tag);
        var published = (await listener.WaitForAsync(e => e.Body.GetProperty("schoolId").GetGuid() == id)).Single();
        Assert.Equal(["name", "teachers"], published.Body.GetProperty("changedFields").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(2, published.Body.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task A_stale_etag_is_412_and_the_school_keeps_the_newer_change()
    {
        var (id, etag) = await CreateAsync();
        var first = ProfileOf(SchoolBodies.Valid(name: "First writer"));
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(id, first, etag)).StatusCode);

        var second = ProfileOf(SchoolBodies.Valid(name: "Second writer"));
        var stale = await PutAsync(id, second, etag);

        var problem = await ProblemAssert.IsProblemAsync(stale, HttpStatusCode.PreconditionFailed, "urn:mensi:problem:precondition-failed");
        Assert.Equal("\"2\"", problem.GetProperty("currentETag").GetString());
        var school = await (await _client.GetAsync($"/api/v1/schools/{id}")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("First writer", school.GetProperty("name").GetString());
    }

    [Fact]
    public async Task An_update_without_if_match_is_428()
    {
        var (id, _) = await CreateAsync();
        await ProblemAssert.IsProblemAsync(await PutAsync(id, ProfileOf(SchoolBodies.Valid()), null), (HttpStatusCode)428, "urn:mensi:problem:precondition-required");
    }

    [Fact]
    public async Task An_unknown_school_is_a_404_problem()
    {
        await ProblemAssert.IsProblemAsync(await _client.GetAsync($"/api/v1/schools/{Guid.CreateVersion7()}"), HttpStatusCode.NotFound, "urn:mensi:problem:not-found");
        await ProblemAssert.IsProblemAsync(await PutAsync(Guid.CreateVersion7(), ProfileOf(SchoolBodies.Valid()), "\"1\""), HttpStatusCode.NotFound, "urn:mensi:problem:not-found");
    }

    [Fact]
    public async Task A_retried_create_with_the_same_idempotency_key_returns_the_first_result()
    {
        var body = SchoolBodies.Valid();
        var key = Guid.NewGuid().ToString();
        HttpRequestMessage Request(object b) => new(HttpMethod.Post, "/api/v1/schools") { Content = JsonContent.Create(b), Headers = { { "Idempotency-Key", key } } };

        var first = await _client.SendAsync(Request(body));
        var before = await registry.CountSchoolsAsync();
        var retry = await _client.SendAsync(Request(body));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal((await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(),
            (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        Assert.Equal(before, await registry.CountSchoolsAsync());

        var other = SchoolBodies.Valid();
        await ProblemAssert.IsProblemAsync(await _client.SendAsync(Request(other)), HttpStatusCode.UnprocessableEntity, "urn:mensi:problem:idempotency-key-reused");

        // The key is the caller's: another caller using the same key creates its own school, and sees nothing of the first.
        using var ministry = await registry.ClientAsync(MenSI.Testing.Security.Persona.MinistryOfficer("HU"));
        var theirs = await ministry.SendAsync(Request(other));
        Assert.Equal(HttpStatusCode.Created, theirs.StatusCode);
        Assert.False(theirs.Headers.Contains("Idempotent-Replayed"));
        Assert.NotEqual(first.Headers.Location, theirs.Headers.Location);
    }

    [Fact]
    public async Task Lists_are_paged_filtered_and_sorted()
    {
        var city = "Lisboa-" + Guid.NewGuid().ToString("N")[..6];
        foreach (var (id, name, levels) in new[] { ("654321", "Escola C", new[] { "primary" }), ("654322", "Escola A", new[] { "upper-secondary" }), ("654323", "Escola B", new[] { "primary" }) })
        {
            var body = SchoolBodies.Valid(id, country: "PT", name: $"{name} {city}");
            body["educationLevels"] = levels;
            Assert.Equal(HttpStatusCode.Created, (await _client.PostAsync(body)).StatusCode);
        }

        var page = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/schools?country=pt&level=primary&name={city}&sort=-name&pageSize=1");

        Assert.Equal(2, page.GetProperty("totalCount").GetInt64());
        Assert.Equal(2, page.GetProperty("totalPages").GetInt64());
        Assert.Equal($"Escola C {city}", page.GetProperty("items")[0].GetProperty("name").GetString());
        var second = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/schools?country=PT&level=primary&name={city}&sort=-name&pageSize=1&page=2");
        Assert.Equal($"Escola B {city}", second.GetProperty("items")[0].GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("pageSize=101", "pageSize")]
    [InlineData("page=0", "page")]
    [InlineData("level=kindergarten", "level")]
    [InlineData("role=1", "role")]
    [InlineData("sort=pupils", "sort")]
    [InlineData("country=XX", "country")]
    public async Task Bad_list_parameters_are_400_problems(string query, string field)
    {
        var problem = await ProblemAssert.IsProblemAsync(await _client.GetAsync($"/api/v1/schools?{query}"), HttpStatusCode.BadRequest, "urn:mensi:problem:validation");
        Assert.Contains(field, ProblemAssert.FieldErrors(problem));
    }

    [Fact]
    public async Task A_non_numeric_page_is_a_400_problem_not_a_500()
    {
        var response = await _client.GetAsync("/api/v1/schools?page=abc");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Health_reports_database_broker_and_redis()
    {
        var health = await _client.GetFromJsonAsync<JsonElement>("/health");
        var checks = health.GetProperty("checks").EnumerateObject().Select(c => c.Name).ToList();
        Assert.Contains("registry-db", checks);
        Assert.Contains("redis", checks);
        Assert.Contains(checks, c => c.Contains("masstransit", StringComparison.OrdinalIgnoreCase));
    }
}
