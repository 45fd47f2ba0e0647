using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Testing;
using MenSI.Testing.Security;
using Xunit;

namespace MenSI.Registry.Tests.Maturity;

/// <summary>Digital-maturity self-assessments: history, progress, averages, and the published event.</summary>
public class MaturityApiTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    private static readonly string[] Areas =
    [
        "leadership", "collaborationAndNetworking", "infrastructureAndEquipment", "continuingProfessionalDevelopment",
        "pedagogySupportsAndResources", "pedagogyImplementationInTheClassroom", "assessmentPractices", "studentDigitalCompetence",
    ];

    private static Dictionary<string, int> Scores(params int[] values) => Areas.Select((a, i) => (a, i)).ToDictionary(x => x.a, x => values[x.i]);

    private async Task<Guid> RegisterAsync(string country = "HU", string? nationalId = null)
    {
        var created = await registry.Client.PostAsync(SchoolBodies.Valid(country: country, nationalId: nationalId));
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task A_coordinator_assesses_its_school_and_progress_compares_first_and_latest()
    {
        await using var events = await EventListener.StartAsync(registry.AmqpUri, "mensi.registry.digital-maturity-assessed");
        var id = await RegisterAsync();
        using var coordinator = await registry.ClientAsync(Persona.Coordinator(id));

        // Submitted out of order: "first" and "latest" follow the assessment date, not the submission.
        var later = await coordinator.PostAsJsonAsync($"/api/v1/schools/{id}/self-assessments", new { assessedOn = "2026-06-01", scores = Scores(3, 4, 3, 4, 3, 4, 3, 4) });
        Assert.Equal(HttpStatusCode.Created, later.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await coordinator.PostAsJsonAsync($"/api/v1/schools/{id}/self-assessments",
            new { assessedOn = "2025-09-15", scores = Scores(1, 2, 2, 1, 2, 2, 1, 2) })).StatusCode);

        var progress = await coordinator.GetFromJsonAsync<JsonElement>($"/api/v1/schools/{id}/self-assessments/progress");
        Assert.Equal(2, progress.GetProperty("assessments").GetInt32());
        Assert.Equal("2025-09-15", progress.GetProperty("first").GetProperty("assessedOn").GetString());
        Assert.Equal("2026-06-01", progress.GetProperty("latest").GetProperty("assessedOn").GetString());
        Assert.Equal([2, 2, 1, 3, 1, 2, 2, 2], Areas.Select(a => progress.GetProperty("change").GetProperty(a).GetInt32()));
        Assert.Equal(1.875, progress.GetProperty("meanChange").GetDouble());

        var evt = (await events.WaitForAsync(e => e.Body.GetProperty("schoolId").GetGuid() == id, count: 2))
            .Single(e => e.Body.GetProperty("assessedOn").GetString() == "2026-06-01").Body;
        Assert.Equal("HU", evt.GetProperty("country").GetString());
        Assert.Equal(4, evt.GetProperty("scores").GetProperty("collaborationAndNetworking").GetInt32());
        Assert.False(evt.TryGetProperty("submittedBy", out _));
    }

    [Fact]
    public async Task Scores_must_cover_the_eight_areas_from_1_to_5_and_refusals_store_nothing()
    {
        var id = await RegisterAsync();
        var scores = new Dictionary<string, int> { ["leadership"] = 6, ["collaborationAndNetworking"] = 0, ["teaching"] = 3 };

        var response = await registry.Client.PostAsJsonAsync($"/api/v1/schools/{id}/self-assessments", new { assessedOn = "2099-01-01", scores });

        var fields = ProblemAssert.FieldErrors(await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "urn:mensi:problem:validation"));
        Assert.Contains("assessedOn", fields);
        Assert.Contains("scores.leadership", fields);
        Assert.Contains("scores.collaborationAndNetworking", fields);
        Assert.Contains("scores.teaching", fields);
        Assert.Contains("scores.studentDigitalCompetence", fields);
        var history = await registry.Client.GetFromJsonAsync<JsonElement>($"/api/v1/schools/{id}/self-assessments");
        Assert.Equal(0, history.GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task Another_schools_coordinator_cannot_assess_it_and_anonymous_callers_cannot_read_scores()
    {
        var id = await RegisterAsync();
        using var stranger = await registry.ClientAsync(Persona.Coordinator(Guid.CreateVersion7()));
        await ProblemAssert.IsProblemAsync(await stranger.PostAsJsonAsync($"/api/v1/schools/{id}/self-assessments",
            new { assessedOn = "2026-01-10", scores = Scores(3, 3, 3, 3, 3, 3, 3, 3) }), HttpStatusCode.Forbidden, "urn:mensi:problem:forbidden");
        using var anonymous = await registry.ClientAsync(null);
        await ProblemAssert.IsProblemAsync(await anonymous.GetAsync($"/api/v1/schools/{id}/self-assessments"), HttpStatusCode.Unauthorized, "urn:mensi:problem:unauthenticated");
    }

    [Fact]
    public async Task Averages_use_each_schools_latest_assessment_per_country_and_network()
    {
        var italian = await RegisterAsync("IT", "RMIC8" + Random.Shared.Next(10000, 99999));
        await registry.Client.PostAsJsonAsync($"/api/v1/schools/{italian}/self-assessments", new { assessedOn = "2024-01-01", scores = Scores(1, 1, 1, 1, 1, 1, 1, 1) });
        await registry.Client.PostAsJsonAsync($"/api/v1/schools/{italian}/self-assessments", new { assessedOn = "2025-01-01", scores = Scores(5, 5, 5, 5, 5, 5, 5, 5) });

        var averages = await registry.Client.GetFromJsonAsync<JsonElement>("/api/v1/digital-maturity/averages?country=IT");
        var rows = averages.EnumerateArray().ToList();
        var italy = Assert.Single(rows, r => r.TryGetProperty("country", out var c) && c.GetString() == "IT");
        Assert.Equal(1, italy.GetProperty("schools").GetInt32());
        Assert.Equal(5.0, italy.GetProperty("mean").GetDouble());
        var network = Assert.Single(rows, r => !r.TryGetProperty("country", out _));
        Assert.True(network.GetProperty("schools").GetInt32() >= 1);
    }
}
