using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Testing;
using MenSI.Testing.Security;
using Xunit;

namespace MenSI.Registry.Tests.Membership;

/// <summary>Network role and status over HTTP: allowed moves only, each recorded and published once, in version order.</summary>
public class MembershipApiTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    private async Task<(Guid Id, string ETag)> RegisterAsync()
    {
        var created = await registry.Client.PostAsync(SchoolBodies.Valid());
        return ((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(), created.Headers.ETag!.Tag);
    }

    private static Task<HttpResponseMessage> MoveAsync(HttpClient client, Guid id, string what, object body, string? etag) =>
        client.SendJsonAsync(HttpMethod.Post, $"/api/v1/schools/{id}/{what}", body, etag);

    [Fact]
    public async Task Accepting_and_giving_a_role_is_recorded_published_in_order_and_dates_the_joining()
    {
        await using var events = await EventListener.StartAsync(registry.AmqpUri, "mensi.registry.school-status-changed", "mensi.registry.school-role-assigned");
        var (id, etag) = await RegisterAsync();

        var accepted = await MoveAsync(registry.Client, id, "status", new { status = "active", reason = "Accepted by the ministry" }, etag);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var school = await accepted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("active", school.GetProperty("status").GetString());
        Assert.Equal(DateOnly.FromDateTime(DateTime.UtcNow), DateOnly.Parse(school.GetProperty("joinedOn").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        var mentor = await MoveAsync(registry.Client, id, "role", new { networkRole = "mentor", reason = "Experienced in digital pedagogy" }, accepted.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.OK, mentor.StatusCode);
        Assert.Equal("\"3\"", mentor.Headers.ETag!.Tag);

        var received = await events.WaitForAsync(e => e.Body.GetProperty("schoolId").GetGuid() == id, count: 2);
        var status = Assert.Single(received, e => e.Exchange == "mensi.registry.school-status-changed").Body;
        Assert.Equal(("applicant", "active", "none", 2), (status.GetProperty("previousStatus").GetString(), status.GetProperty("status").GetString(),
            status.GetProperty("networkRole").GetString(), status.GetProperty("version").GetInt32()));
        var role = Assert.Single(received, e => e.Exchange == "mensi.registry.school-role-assigned").Body;
        Assert.Equal(("none", "mentor", "active", 3), (role.GetProperty("previousRole").GetString(), role.GetProperty("networkRole").GetString(),
            role.GetProperty("status").GetString(), role.GetProperty("version").GetInt32()));
        Assert.False(status.TryGetProperty("reason", out _)); // free text may name people: it stays out of events

        var history = await registry.Client.GetFromJsonAsync<JsonElement>($"/api/v1/schools/{id}/history");
        var entries = history.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        Assert.Equal(("role", "none", "mentor", "Experienced in digital pedagogy"), (entries[0].GetProperty("kind").GetString(),
            entries[0].GetProperty("from").GetString(), entries[0].GetProperty("to").GetString(), entries[0].GetProperty("reason").GetString()));
        Assert.False(string.IsNullOrEmpty(entries[0].GetProperty("changedBy").GetString()));
    }

    [Fact]
    public async Task A_move_the_rules_forbid_is_409_naming_the_rule_and_changes_nothing()
    {
        var (id, etag) = await RegisterAsync();

        var suspended = await MoveAsync(registry.Client, id, "status", new { status = "suspended", reason = "Testing the rules" }, etag);

        var problem = await ProblemAssert.IsProblemAsync(suspended, HttpStatusCode.Conflict, "urn:mensi:problem:invalid-transition");
        Assert.Equal("status-transitions", problem.GetProperty("rule").GetString());
        Assert.Contains("from applicant to suspended", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var school = await registry.Client.GetAsync($"/api/v1/schools/{id}");
        Assert.Equal(etag, school.Headers.ETag!.Tag);
        Assert.Equal(0, (await registry.Client.GetFromJsonAsync<JsonElement>($"/api/v1/schools/{id}/history")).GetProperty("totalCount").GetInt32());

        var withdrawn = await MoveAsync(registry.Client, id, "status", new { status = "withdrawn", reason = "Left" }, etag);
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        await ProblemAssert.IsProblemAsync(await MoveAsync(registry.Client, id, "role", new { networkRole = "mentee", reason = "x" }, withdrawn.Headers.ETag!.Tag),
            HttpStatusCode.Conflict, "urn:mensi:problem:invalid-transition");
    }

    [Fact]
    public async Task Moves_need_a_reason_a_value_and_the_current_etag()
    {
        var (id, etag) = await RegisterAsync();

        var invalid = await MoveAsync(registry.Client, id, "status", new { status = (string?)null, reason = " " }, etag);
        Assert.Equal(["reason", "status"], ProblemAssert.FieldErrors(await ProblemAssert.IsProblemAsync(invalid, HttpStatusCode.BadRequest, "urn:mensi:problem:validation")).Order(StringComparer.Ordinal));
        await ProblemAssert.IsProblemAsync(await MoveAsync(registry.Client, id, "status", new { status = "active", reason = "ok" }, null),
            HttpStatusCode.PreconditionRequired, "urn:mensi:problem:precondition-required");
        await ProblemAssert.IsProblemAsync(await MoveAsync(registry.Client, id, "status", new { status = "active", reason = "ok" }, "\"7\""),
            HttpStatusCode.PreconditionFailed, "urn:mensi:problem:precondition-failed");
    }

    [Fact]
    public async Task Only_who_manages_the_schools_country_moves_it()
    {
        var (id, etag) = await RegisterAsync();
        using var croatia = await registry.ClientAsync(Persona.MinistryOfficer("HR"));
        using var coordinator = await registry.ClientAsync(Persona.Coordinator(id));
        using var hungary = await registry.ClientAsync(Persona.MinistryOfficer("HU"));

        await ProblemAssert.IsProblemAsync(await MoveAsync(croatia, id, "status", new { status = "active", reason = "x" }, etag), HttpStatusCode.Forbidden, "urn:mensi:problem:forbidden");
        await ProblemAssert.IsProblemAsync(await MoveAsync(coordinator, id, "role", new { networkRole = "mentor", reason = "x" }, etag), HttpStatusCode.Forbidden, "urn:mensi:problem:forbidden");
        Assert.Equal(HttpStatusCode.OK, (await MoveAsync(hungary, id, "status", new { status = "active", reason = "Accepted" }, etag)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.GetAsync($"/api/v1/schools/{id}/history")).StatusCode);
        await ProblemAssert.IsProblemAsync(await croatia.GetAsync($"/api/v1/schools/{id}/history"), HttpStatusCode.Forbidden, "urn:mensi:problem:forbidden");
    }
}
