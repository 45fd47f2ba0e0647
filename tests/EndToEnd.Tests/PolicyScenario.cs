using System.Net.Http.Json;
using MenSI.Testing;

namespace MenSI.EndToEnd.Tests;

/// <summary>
/// Policy for the end-to-end rows, made through the gateway by the admin: a snapshot, a published HU recommendation
/// citing it, an exchange session, and fresh documents at each step of the workflow for the rows that move one on.
/// </summary>
public sealed class PolicyScenario
{
    private HttpClient _admin = null!;

    public Guid ThisSnapshot { get; private set; }
    public Guid ThisDocument { get; private set; }
    public Guid ThisSession { get; private set; }

    public static async Task<PolicyScenario> CreateAsync(HttpClient admin)
    {
        var scenario = new PolicyScenario { _admin = admin };
        scenario.ThisSnapshot = (await admin.PostAsJsonAsync("/api/v1/policy/snapshots", new { title = "Matrix evidence" }).OkAsync()).Id();
        scenario.ThisDocument = await scenario.FreshPublishedAsync();
        scenario.ThisSession = (await admin.PostAsJsonAsync("/api/v1/policy/sessions", NewSession()).OkAsync()).Id();
        return scenario;
    }

    public object NewDocument() => new
    {
        kind = "recommendation", country = "HU",
        content = new { title = "Matrix recommendation", body = "Pair schools.", audience = new[] { "ministries" }, citedSnapshotIds = new[] { ThisSnapshot } },
    };

    public static object NewSession() => new { title = "Matrix exchange", heldOn = "2026-11-20", countries = new[] { "HU", "PT" }, outcomes = "Agreed." };

    public async Task<Guid> FreshDraftAsync() => (await _admin.PostAsJsonAsync("/api/v1/policy/documents", NewDocument()).OkAsync()).Id();

    public async Task<Guid> FreshInReviewAsync() => await StepAsync(await FreshDraftAsync(), "submit");

    public async Task<Guid> FreshPublishedAsync() => await StepAsync(await FreshInReviewAsync(), "publish");

    private async Task<Guid> StepAsync(Guid document, string step)
    {
        await _admin.PostAsync($"/api/v1/policy/documents/{document}/{step}", null).OkAsync();
        return document;
    }
}
