using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using MenSI.Testing;
using MenSI.Testing.Security;
using Xunit;

namespace MenSI.EndToEnd.Tests;

/// <summary>
/// W3C trace context as a front-end's request carries it: the <c>traceparent</c> it sends through the gateway is the
/// trace the service answers in, and the one its log lines name, so one id finds a request in every log it touched.
/// </summary>
[Collection(SharedGraph.Name)]
public class TraceContextTests(GraphFixture graph)
{
    [Fact]
    public async Task A_requests_traceparent_reaches_the_service_behind_the_gateway_and_names_the_log_lines_of_both()
    {
        var traceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var parent = $"00-{traceId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}-01";

        // The gateway forwards, Clusters answers (a 404 problem names the trace it was handled in).
        using var officer = graph.Client(await graph.Tokens.TokenForAsync(Persona.MinistryOfficer("HU")));
        using var missing = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/clusters/{Guid.CreateVersion7()}");
        missing.Headers.Add("traceparent", parent);
        using var answer = await officer.SendAsync(missing);
        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        Assert.Contains(traceId, (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("traceId").GetString(), StringComparison.Ordinal);

        // A refusal is logged where it happens: by the gateway (its route's policy) and by the Registry (per resource).
        using var teacher = graph.Client(await graph.Tokens.TokenForAsync(Persona.Teacher));
        using var users = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users");
        users.Headers.Add("traceparent", parent);
        Assert.Equal(HttpStatusCode.Forbidden, (await teacher.SendAsync(users)).StatusCode);
        using var coordinator = graph.Client(await graph.Tokens.TokenForAsync(Persona.Coordinator(Guid.CreateVersion7())));
        using var edit = JsonRequests.Create(HttpMethod.Put, $"/api/v1/schools/{await AnySchoolAsync()}", new { name = "Nem az enyém", educationLevels = new[] { "primary" } }, "*");
        edit.Headers.Add("traceparent", parent);
        Assert.Equal(HttpStatusCode.Forbidden, (await coordinator.SendAsync(edit)).StatusCode);

        foreach (var resource in new[] { "gateway", "registry" })
        {
            var log = graph.App.Log.LogFile(resource);
            var lines = await Eventually.UntilAsync(() => Task.FromResult(ReadShared(log).Where(l => l.Contains(traceId, StringComparison.Ordinal)).ToList()),
                found => found.Count > 0, TimeSpan.FromSeconds(10));
            Assert.True(lines.Count > 0, $"{resource}'s log names no line with trace {traceId}");
        }
    }

    private async Task<Guid> AnySchoolAsync()
    {
        using var anonymous = graph.Client();
        var page = await anonymous.GetFromJsonAsync<JsonElement>("/api/v1/schools?pageSize=1");
        if (page.GetProperty("items").GetArrayLength() > 0) return page.GetProperty("items")[0].GetProperty("id").GetGuid();
        using var admin = graph.Client(await graph.Tokens.AdminTokenAsync());
        using var created = await admin.PostAsJsonAsync("/api/v1/schools", new { country = "HU", nationalId = "917001", name = "Nyomkövető Iskola", educationLevels = new[] { "primary" } });
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>The log as it is now, while the AppHost still writes it.</summary>
    private static List<string> ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) lines.Add(line);
        return lines;
    }
}
