using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Testing;
using MenSI.Testing.Security;
using Xunit;

namespace MenSI.Registry.Tests.Security;

/// <summary>
/// The Registry enforces the security model itself, whatever the gateway did: every caller here talks to the
/// service directly with a real token from Identity.
/// </summary>
public class SchoolAccessTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    private async Task<Guid> RegisterAsync(string country = "HU")
    {
        var created = await registry.Client.PostAsync(SchoolBodies.Valid(country: country, nationalId: country == "HU" ? null : "RMIC8A" + Random.Shared.Next(1000, 9999)));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static async Task<HttpResponseMessage> RenameAsync(HttpClient client, Guid id, string name)
    {
        return await client.SendJsonAsync(HttpMethod.Put, $"/api/v1/schools/{id}", new { name, educationLevels = new[] { "primary" } }, "*");
    }

    [Fact]
    public async Task Anyone_reads_the_directory_but_only_staff_with_a_token_may_write()
    {
        using var anonymous = await registry.ClientAsync(null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/v1/schools")).StatusCode);

        await ProblemAssert.IsProblemAsync(await anonymous.PostAsync(SchoolBodies.Valid()), HttpStatusCode.Unauthorized, "urn:mensi:problem:unauthenticated");
        using var teacher = await registry.ClientAsync(Persona.Teacher);
        await ProblemAssert.IsProblemAsync(await teacher.PostAsync(SchoolBodies.Valid()), HttpStatusCode.Forbidden, "urn:mensi:problem:forbidden");
    }

    [Fact]
    public async Task A_ministry_officer_registers_and_edits_schools_of_its_own_country_only()
    {
        using var hungary = await registry.ClientAsync(Persona.MinistryOfficer("HU"));
        var before = await registry.CountSchoolsAsync();

        var italian = SchoolBodies.Valid(country: "IT", nationalId: "RMIC8A" + Random.Shared.Next(1000, 9999));
        await ProblemAssert.IsProblemAsync(await hungary.PostAsync(italian), HttpStatusCode.Forbidden, "urn:mensi:problem:forbidden");
        Assert.Equal(before, await registry.CountSchoolsAsync()); // refused means nothing written

        Assert.Equal(HttpStatusCode.Created, (await hungary.PostAsync(SchoolBodies.Valid())).StatusCode);

        var italianSchool = await RegisterAsync("IT");
        await ProblemAssert.IsProblemAsync(await RenameAsync(hungary, italianSchool, "Renamed by Hungary"), HttpStatusCode.Forbidden, "urn:mensi:problem:forbidden");
        Assert.Equal(HttpStatusCode.OK, (await RenameAsync(hungary, await RegisterAsync("HU"), "Renamed by Hungary")).StatusCode);
    }

    [Fact]
    public async Task A_school_coordinator_edits_its_own_school_and_no_other()
    {
        var own = await RegisterAsync();
        var other = await RegisterAsync();
        using var coordinator = await registry.ClientAsync(Persona.Coordinator(own));

        Assert.Equal(HttpStatusCode.OK, (await RenameAsync(coordinator, own, "Our new name")).StatusCode);
        await ProblemAssert.IsProblemAsync(await RenameAsync(coordinator, other, "Not ours"), HttpStatusCode.Forbidden, "urn:mensi:problem:forbidden");
        await ProblemAssert.IsProblemAsync(await coordinator.PostAsync(SchoolBodies.Valid()), HttpStatusCode.Forbidden, "urn:mensi:problem:forbidden");

        using var anonymous = await registry.ClientAsync(null);
        var otherNow = await anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/schools/{other}");
        Assert.NotEqual("Not ours", otherNow.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("wrongly-signed")]
    [InlineData("tampered")]
    public async Task A_token_that_is_expired_forged_or_tampered_with_is_refused_with_401(string kind)
    {
        var identity = registry.Identity;
        var token = kind switch
        {
            "expired" => ForgedTokens.Expired(identity),
            "wrongly-signed" => ForgedTokens.WronglySigned(),
            _ => ForgedTokens.Tampered(await identity.TokenForAsync(Persona.Teacher)),
        };
        using var client = PersonaTokens.Authorized(await registry.ClientAsync(null), token);

        var response = await client.PostAsync(SchoolBodies.Valid());

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "urn:mensi:problem:unauthenticated");
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }
}
