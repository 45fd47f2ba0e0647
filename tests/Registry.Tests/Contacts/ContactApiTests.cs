using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Registry.Contacts;
using MenSI.Testing;
using MenSI.Testing.Security;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace MenSI.Registry.Tests.Contacts;

/// <summary>Contact persons: consent first, export on request, erasure that leaves no personal data and the school whole.</summary>
public class ContactApiTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    private async Task<Guid> RegisterAsync()
    {
        var created = await registry.Client.PostAsync(SchoolBodies.Valid());
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task A_contact_is_stored_only_with_consent_and_is_never_in_the_public_directory()
    {
        var id = await RegisterAsync();
        var refused = await registry.Client.PostAsJsonAsync($"/api/v1/schools/{id}/contacts", new { name = "Eszter Kovács", email = "not-an-email", consent = false });
        Assert.Equal(["consent", "email"], ProblemAssert.FieldErrors(await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.BadRequest, "urn:mensi:problem:validation")).Order(StringComparer.Ordinal));
        Assert.Equal(0, await registry.QueryAsync(db => db.ContactPersons.CountAsync(c => c.SchoolId == id)));

        var email = $"eszter.{Guid.NewGuid():N}@iskola.example.hu";
        var created = await registry.Client.PostAsJsonAsync($"/api/v1/schools/{id}/contacts", new { name = "Eszter Kovács", email, function = "Headteacher", consent = true });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var anonymous = await registry.ClientAsync(null);
        Assert.DoesNotContain(email, await anonymous.GetStringAsync($"/api/v1/schools/{id}"), StringComparison.Ordinal);
        Assert.DoesNotContain(email, await anonymous.GetStringAsync("/api/v1/schools?pageSize=100&country=HU"), StringComparison.Ordinal);
        await ProblemAssert.IsProblemAsync(await anonymous.GetAsync($"/api/v1/schools/{id}/contacts"), HttpStatusCode.Unauthorized, "urn:mensi:problem:unauthenticated");
        using var otherCoordinator = await registry.ClientAsync(Persona.Coordinator(Guid.CreateVersion7()));
        await ProblemAssert.IsProblemAsync(await otherCoordinator.GetAsync($"/api/v1/schools/{id}/contacts"), HttpStatusCode.Forbidden, "urn:mensi:problem:forbidden");
        using var coordinator = await registry.ClientAsync(Persona.Coordinator(id));
        var listed = await coordinator.GetFromJsonAsync<JsonElement>($"/api/v1/schools/{id}/contacts");
        Assert.Equal(email, listed.GetProperty("items")[0].GetProperty("email").GetString());
    }

    [Fact]
    public async Task Export_gives_everything_held_and_erasure_leaves_no_personal_data_in_the_database()
    {
        var id = await RegisterAsync();
        var email = $"joao.{Guid.NewGuid():N}@escola.example.pt";
        var created = await registry.Client.PostAsJsonAsync($"/api/v1/schools/{id}/contacts", new { name = "João Silva", email, function = "ICT coordinator", consent = true });
        var contactId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var export = await registry.Client.GetAsync($"/api/v1/schools/{id}/contacts/{contactId}/export");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("attachment", export.Content.Headers.ContentDisposition?.DispositionType ?? export.Headers.GetValues("Content-Disposition").Single().Split(';')[0]);
        var exported = await export.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("João Silva", email, "ICT coordinator"), (exported.GetProperty("name").GetString(), exported.GetProperty("email").GetString(), exported.GetProperty("function").GetString()));

        Assert.Equal(HttpStatusCode.NoContent, (await registry.Client.DeleteAsync($"/api/v1/schools/{id}/contacts/{contactId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await registry.Client.DeleteAsync($"/api/v1/schools/{id}/contacts/{contactId}")).StatusCode);

        // Behind the API: no column of any table still holds the person's name or email.
        var leftovers = await registry.QueryAsync(db => db.Database.SqlQuery<int>(
            $"SELECT count(*)::int AS \"Value\" FROM contact_persons c WHERE c::text ILIKE {"%" + email + "%"} OR c::text ILIKE '%João Silva%'").SingleAsync());
        Assert.Equal(0, leftovers);
        var outbox = await registry.QueryAsync(db => db.Database.SqlQuery<int>(
            $"SELECT count(*)::int AS \"Value\" FROM outbox_messages o WHERE o::text ILIKE {"%" + email + "%"}").SingleAsync());
        Assert.Equal(0, outbox);
        var erased = await registry.QueryAsync(db => db.ContactPersons.AsNoTracking().SingleAsync(c => c.Id == contactId));
        Assert.True(erased.IsErased);
        Assert.Equal(HttpStatusCode.OK, (await registry.Client.GetAsync($"/api/v1/schools/{id}")).StatusCode); // the school is intact
    }
}
