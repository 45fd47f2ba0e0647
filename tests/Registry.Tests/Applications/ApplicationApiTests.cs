using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Testing;
using MenSI.Testing.Security;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace MenSI.Registry.Tests.Applications;

/// <summary>Applications to join: anyone applies; the country's ministry officer or an admin decides, once.</summary>
public class ApplicationApiTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    private static object Application(string nationalId, string country = "HU", string role = "mentee", bool consent = true) => new
    {
        country,
        nationalId,
        name = "Miskolci Általános Iskola",
        city = "Miskolc",
        educationLevels = new[] { "primary" },
        motivation = "We want to learn from experienced schools how to teach with tablets.",
        requestedRole = role,
        contact = new { name = "Anna Tóth", email = $"anna.{nationalId}@iskola.example.hu", function = "Deputy head", consent },
    };

    private async Task<Guid> SubmitAsync(object body)
    {
        using var anonymous = await registry.ClientAsync(null);
        var submitted = await anonymous.PostAsJsonAsync("/api/v1/applications", body);
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        return (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task An_accepted_application_makes_an_active_school_with_the_role_and_its_contact_and_publishes_it_all()
    {
        await using var events = await EventListener.StartAsync(registry.AmqpUri,
            "mensi.registry.school-application-submitted", "mensi.registry.school-application-decided",
            "mensi.registry.school-registered", "mensi.registry.school-status-changed", "mensi.registry.school-role-assigned");
        var nationalId = SchoolBodies.UniqueHungarianId();
        var id = await SubmitAsync(Application(nationalId, role: "mentor"));
        using var hungary = await registry.ClientAsync(Persona.MinistryOfficer("HU"));

        var decided = await hungary.PostAsJsonAsync($"/api/v1/applications/{id}/decision", new { decision = "accepted", reason = "Strong digital plan" });

        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var application = await decided.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("accepted", application.GetProperty("status").GetString());
        Assert.False(application.TryGetProperty("contactEmail", out _)); // moved to the school's contacts, not kept here
        var schoolId = application.GetProperty("schoolId").GetGuid();
        var school = await hungary.GetFromJsonAsync<JsonElement>($"/api/v1/schools/{schoolId}");
        Assert.Equal(("active", "mentor", nationalId), (school.GetProperty("status").GetString(), school.GetProperty("networkRole").GetString(), school.GetProperty("nationalId").GetString()));
        var contacts = await hungary.GetFromJsonAsync<JsonElement>($"/api/v1/schools/{schoolId}/contacts");
        Assert.Equal("Anna Tóth", contacts.GetProperty("items")[0].GetProperty("name").GetString());

        var published = await events.WaitForAsync(e =>
            e.Body.TryGetProperty("applicationId", out var a) && a.GetGuid() == id || e.Body.TryGetProperty("schoolId", out var s) && s.ValueKind == JsonValueKind.String && s.GetGuid() == schoolId, count: 5);
        Assert.Equal(["mensi.registry.school-application-decided", "mensi.registry.school-application-submitted", "mensi.registry.school-registered",
            "mensi.registry.school-role-assigned", "mensi.registry.school-status-changed"], published.Select(e => e.Exchange).Order(StringComparer.Ordinal));
        Assert.All(published, e => Assert.DoesNotContain("anna.", e.Body.GetRawText(), StringComparison.Ordinal));

        var again = await hungary.PostAsJsonAsync($"/api/v1/applications/{id}/decision", new { decision = "rejected", reason = "Changed my mind" });
        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict, "urn:mensi:problem:invalid-transition");
    }

    [Fact]
    public async Task A_rejection_erases_the_contact_and_leaves_no_school_and_another_country_cannot_decide()
    {
        var nationalId = SchoolBodies.UniqueHungarianId();
        var id = await SubmitAsync(Application(nationalId));
        using var croatia = await registry.ClientAsync(Persona.MinistryOfficer("HR"));
        await ProblemAssert.IsProblemAsync(await croatia.PostAsJsonAsync($"/api/v1/applications/{id}/decision", new { decision = "accepted", reason = "x" }),
            HttpStatusCode.Forbidden, "urn:mensi:problem:forbidden");
        await ProblemAssert.IsProblemAsync(await croatia.GetAsync($"/api/v1/applications/{id}"), HttpStatusCode.Forbidden, "urn:mensi:problem:forbidden");
        var croatianList = await croatia.GetFromJsonAsync<JsonElement>("/api/v1/applications");
        Assert.DoesNotContain(croatianList.GetProperty("items").EnumerateArray(), a => a.GetProperty("id").GetGuid() == id);

        var rejected = await registry.Client.PostAsJsonAsync($"/api/v1/applications/{id}/decision", new { decision = "rejected", reason = "Incomplete plan" });

        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        var stored = await registry.QueryAsync(db => db.SchoolApplications.AsNoTracking().SingleAsync(a => a.Id == id));
        Assert.Null(stored.ContactEmail);
        Assert.Null(stored.ContactName);
        Assert.False(await registry.QueryAsync(db => db.Schools.AnyAsync(s => s.Country == "HU" && s.NationalId == nationalId)));
    }

    [Fact]
    public async Task An_application_needs_consent_a_motivation_and_a_role_and_one_school_has_one_open_application()
    {
        using var anonymous = await registry.ClientAsync(null);
        var invalid = await anonymous.PostAsJsonAsync("/api/v1/applications", new
        {
            country = "HU", nationalId = "12", name = "X", educationLevels = new[] { "primary" }, motivation = "Please",
            requestedRole = "none", contact = new { name = "A", email = "a@b.example", consent = false },
        });
        Assert.Equal(["contact.consent", "motivation", "name", "nationalId", "requestedRole"],
            ProblemAssert.FieldErrors(await ProblemAssert.IsProblemAsync(invalid, HttpStatusCode.BadRequest, "urn:mensi:problem:validation")).Order(StringComparer.Ordinal));

        var nationalId = SchoolBodies.UniqueHungarianId();
        await SubmitAsync(Application(nationalId));
        await ProblemAssert.IsProblemAsync(await anonymous.PostAsJsonAsync("/api/v1/applications", Application(nationalId)), HttpStatusCode.Conflict, "urn:mensi:problem:duplicate");
        await ProblemAssert.IsProblemAsync(await anonymous.GetAsync("/api/v1/applications"), HttpStatusCode.Unauthorized, "urn:mensi:problem:unauthenticated");
    }
}
