using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Testing;
using MenSI.Testing.Security;
using Xunit;

namespace MenSI.Identity.Tests;

/// <summary>Users and machine clients, managed over the admin API by network admins only.</summary>
public class AdministrationTests
{
    private static async Task<HttpClient> AdminAsync(IdentityHost identity) => identity.CreateClient(await identity.AdminTokenAsync());

    [Fact]
    public async Task Only_network_admins_manage_users_and_clients()
    {
        var identity = await IdentityHost.GetAsync();
        foreach (var persona in new[] { Persona.Teacher, Persona.MinistryOfficer("HU"), Persona.Coordinator(Guid.CreateVersion7()) })
        {
            using var client = identity.CreateClient(await identity.TokenForAsync(persona));
            await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/v1/users"), HttpStatusCode.Forbidden, "urn:mensi:problem:forbidden");
            await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/v1/clients", new { clientId = "x-client", displayName = "x", country = "HU" }),
                HttpStatusCode.Forbidden, "urn:mensi:problem:forbidden");
        }
    }

    [Fact]
    public async Task A_user_is_refused_with_a_field_error_for_each_broken_rule_and_nothing_is_stored()
    {
        var identity = await IdentityHost.GetAsync();
        using var admin = await AdminAsync(identity);
        var email = $"broken-{Guid.NewGuid():N}@tests.mensi.example";

        var response = await admin.PostAsJsonAsync("/api/v1/users", new
        {
            email, displayName = "", password = "short", roles = new[] { "ministry-officer", "school-coordinator" },
        });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "urn:mensi:problem:validation");
        Assert.Equal(["country", "displayName", "password", "schoolId"], ProblemAssert.FieldErrors(problem).Order(StringComparer.Ordinal));
        var found = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/users?email={email}");
        Assert.Equal(0, found.GetProperty("totalCount").GetInt32());

        var unknownRole = await admin.PostAsJsonAsync("/api/v1/users", new { email, displayName = "X", password = "long-enough-password", roles = new[] { "root" } });
        Assert.Contains("roles", ProblemAssert.FieldErrors(await ProblemAssert.IsProblemAsync(unknownRole, HttpStatusCode.BadRequest, "urn:mensi:problem:validation")));
        var notAnEmail = await admin.PostAsJsonAsync("/api/v1/users", new { email = "not an email", displayName = "X", password = "long-enough-password", roles = new[] { "teacher" } });
        Assert.Contains("email", ProblemAssert.FieldErrors(await ProblemAssert.IsProblemAsync(notAnEmail, HttpStatusCode.BadRequest, "urn:mensi:problem:validation")));
    }

    [Fact]
    public async Task A_teacher_may_name_its_school_a_course_manager_is_a_role_and_a_client_id_is_never_a_uuid()
    {
        var identity = await IdentityHost.GetAsync();
        using var admin = await AdminAsync(identity);
        var school = Guid.CreateVersion7();
        var teacher = await admin.PostAsJsonAsync("/api/v1/users", new
        {
            email = $"teacher-{Guid.NewGuid():N}@tests.mensi.example", displayName = "T", password = "long-enough-password", roles = new[] { "teacher" }, schoolId = school,
        });
        Assert.Equal(HttpStatusCode.Created, teacher.StatusCode);
        Assert.Equal(school, (await teacher.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("schoolId").GetGuid());

        var manager = await admin.PostAsJsonAsync("/api/v1/users", new
        {
            email = $"courses-{Guid.NewGuid():N}@tests.mensi.example", displayName = "C", password = "long-enough-password", roles = new[] { "course-manager" }, schoolId = school,
        });
        Assert.Equal(["schoolId"], ProblemAssert.FieldErrors(await ProblemAssert.IsProblemAsync(manager, HttpStatusCode.BadRequest, "urn:mensi:problem:validation")));

        var uuidClient = await admin.PostAsJsonAsync("/api/v1/clients", new { clientId = Guid.NewGuid().ToString(), displayName = "x", country = "HU" });
        Assert.Equal(["clientId"], ProblemAssert.FieldErrors(await ProblemAssert.IsProblemAsync(uuidClient, HttpStatusCode.BadRequest, "urn:mensi:problem:validation")));
    }

    [Fact]
    public async Task Emails_are_unique_whatever_their_case_and_updates_need_the_current_etag()
    {
        var identity = await IdentityHost.GetAsync();
        using var admin = await AdminAsync(identity);
        var (id, email, _) = await identity.CreateUserAsync(Persona.Teacher);

        var duplicate = await admin.PostAsJsonAsync("/api/v1/users", new { email = email.ToUpperInvariant(), displayName = "Twin", password = "long-enough-password", roles = new[] { "teacher" } });
        await ProblemAssert.IsProblemAsync(duplicate, HttpStatusCode.Conflict, "urn:mensi:problem:duplicate");

        var body = new { displayName = "Renamed", roles = new[] { "teacher" } };
        await ProblemAssert.IsProblemAsync(await admin.PutAsJsonAsync($"/api/v1/users/{id}", body), HttpStatusCode.PreconditionRequired, "urn:mensi:problem:precondition-required");
        using var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/users/{id}") { Content = JsonContent.Create(body) };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"99\"");
        await ProblemAssert.IsProblemAsync(await admin.SendAsync(stale), HttpStatusCode.PreconditionFailed, "urn:mensi:problem:precondition-failed");
        var user = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{id}");
        Assert.Equal("Test teacher", user.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task Erasing_a_user_removes_it()
    {
        var identity = await IdentityHost.GetAsync();
        using var admin = await AdminAsync(identity);
        var (id, _, _) = await identity.CreateUserAsync(Persona.Teacher);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/users/{id}")).StatusCode);

        await ProblemAssert.IsProblemAsync(await admin.GetAsync($"/api/v1/users/{id}"), HttpStatusCode.NotFound, "urn:mensi:problem:not-found");
        await ProblemAssert.IsProblemAsync(await admin.DeleteAsync($"/api/v1/users/{id}"), HttpStatusCode.NotFound, "urn:mensi:problem:not-found");
    }

    [Fact]
    public async Task A_retried_client_creation_replays_the_outcome_but_never_the_secret()
    {
        var identity = await IdentityHost.GetAsync();
        using var admin = await AdminAsync(identity);
        var clientId = $"ministry-hr-{Guid.NewGuid():N}"[..24];
        var key = Guid.NewGuid().ToString();
        HttpRequestMessage Create() => new(HttpMethod.Post, "/api/v1/clients")
        {
            Content = JsonContent.Create(new { clientId, displayName = "Croatian registry", country = "hr" }), Headers = { { "Idempotency-Key", key } },
        };

        using var first = await admin.SendAsync(Create());
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var secret = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("clientSecret").GetString()!;

        using var retry = await admin.SendAsync(Create());
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.DoesNotContain(secret, await retry.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Nor is it anywhere in the idempotency store.
        var servers = await MenSI.Testing.PlatformServers.GetAsync();
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(servers.Redis.ConnectionString);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        foreach (var stored in server.Keys(pattern: "idempotency:*"))
        {
            Assert.DoesNotContain(secret, (string?)await redis.GetDatabase().StringGetAsync(stored) ?? "", StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_machine_client_gets_its_secret_once_acts_for_its_country_and_stops_when_deleted()
    {
        var identity = await IdentityHost.GetAsync();
        using var admin = await AdminAsync(identity);
        var clientId = $"ministry-pt-{Guid.NewGuid():N}"[..24];

        var created = await admin.PostAsJsonAsync("/api/v1/clients", new { clientId, displayName = "Portuguese registry", country = "pt" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var secret = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("clientSecret").GetString()!;
        var listed = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{clientId}");
        Assert.Equal("PT", listed.GetProperty("country").GetString());
        Assert.False(listed.TryGetProperty("clientSecret", out _));

        using var tokens = identity.Tokens();
        var token = (await tokens.ClientCredentialsAsync(clientId, secret)).AccessToken;
        Assert.Equal("PT", Jwt.Payload(token).GetProperty("country").GetString());

        await ProblemAssert.IsProblemAsync(await admin.PostAsJsonAsync("/api/v1/clients", new { clientId, displayName = "Again", country = "PT" }),
            HttpStatusCode.Conflict, "urn:mensi:problem:duplicate");
        var invalid = await admin.PostAsJsonAsync("/api/v1/clients", new { clientId = "Bad Id", displayName = "", country = "US" });
        Assert.Equal(["clientId", "country", "displayName"],
            ProblemAssert.FieldErrors(await ProblemAssert.IsProblemAsync(invalid, HttpStatusCode.BadRequest, "urn:mensi:problem:validation")).Order(StringComparer.Ordinal));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/clients/{clientId}")).StatusCode);
        await Assert.ThrowsAsync<TokenRequestException>(() => tokens.ClientCredentialsAsync(clientId, secret));
    }
}
