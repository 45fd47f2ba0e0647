using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Hosting;
using MenSI.Testing;
using MenSI.Testing.Security;
using Xunit;

namespace MenSI.EndToEnd.Tests;

/// <summary>
/// The whole network as an operator runs it: the AppHost's own graph, started through its engine, driven through the
/// gateway, with events read by a plain AMQP client as a ministry system would.
/// </summary>
public class PlatformTests
{
    [Fact]
    public async Task A_school_flows_from_the_gateway_to_a_ministry_system_and_nothing_is_left_running()
    {
        var gatewayPort = Ports.Free();
        var testing = await DistributedApplicationTesting.StartAsync<Program>(new Dictionary<string, string?> { ["gateway-port"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var app = testing.Application;
        var stateRoot = app.State.Root;
        var pids = new List<int>();
        try
        {
            Assert.All(app.Resources, r => Assert.Equal(ResourceState.Healthy, r.State));
            pids.AddRange(app.Resources.Select(r => r.Pid).OfType<int>());
            var gatewayAddress = new Uri($"http://127.0.0.1:{gatewayPort}");
            // The seeded development admin, signed in through the gateway with PKCE, as the console recipe says.
            var admin = await new PersonaTokens(gatewayAddress, IdentityHost.AdminEmail, IdentityHost.SeedPassword).AdminTokenAsync();
            using var gateway = PersonaTokens.Authorized(new HttpClient { BaseAddress = gatewayAddress }, admin);
            // The recipe the AppHost prints for people works, for every seeded role.
            foreach (var email in new[] { "teacher@mensi.example", "coordinator@mensi.example", "ministry.hu@mensi.example" })
            {
                var tokens = await TokenScriptAsync(email, gatewayAddress);
                Assert.Contains("\"access_token\"", tokens, StringComparison.Ordinal);
                Assert.Contains("\"refresh_token\"", tokens, StringComparison.Ordinal);
            }
            await using var ministry = await EventListener.StartAsync(app.Get<RabbitMqResource>("rabbitmq").ConnectionString, "mensi.registry.school-registered");

            var created = await gateway.PostAsJsonAsync("/api/v1/schools", new
            {
                country = "IT",
                nationalId = "rmic8a5007",
                name = "Istituto Comprensivo Roma",
                educationLevels = new[] { "primary", "lower-secondary" },
                languages = new[] { "it" },
            });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

            var read = await gateway.GetAsync($"/api/v1/schools/{id}");
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal("\"1\"", read.Headers.ETag?.Tag);
            Assert.Equal("RMIC8A5007", (await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("nationalId").GetString());

            var evt = (await ministry.WaitForAsync(e => e.Body.GetProperty("schoolId").GetGuid() == id)).Single();
            Assert.Equal("application/json", evt.ContentType);
            Assert.Equal("IT", evt.Body.GetProperty("country").GetString());
            Assert.Equal("codice-meccanografico", evt.Body.GetProperty("nationalIdScheme").GetString());
            Assert.Equal("Istituto Comprensivo Roma", evt.Body.GetProperty("name").GetString());
            Assert.True(evt.Body.TryGetProperty("occurredAt", out _));
            Assert.Equal(evt.Body.GetProperty("eventId").GetString(), evt.Headers["cloudEvents:id"]);
            Assert.Equal("mensi.registry.school-registered", evt.Headers["cloudEvents:type"]);
            Assert.Equal("/mensi/registry", evt.Headers["cloudEvents:source"]);
            Assert.Equal("1.0", evt.Headers["cloudEvents:specversion"]);
            Assert.True(DateTimeOffset.TryParse(evt.Headers["cloudEvents:time"], System.Globalization.CultureInfo.InvariantCulture, out _));

            var health = await gateway.GetFromJsonAsync<JsonElement>("/health");
            Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("route:registry").GetProperty("status").GetString());

            // A crashed service: the gateway answers a problem at once, and the AppHost brings the service back.
            var registry = app.Get<ProjectResource>("registry");
            var crashedPid = registry.Pid!.Value;
            ManagedProcess.SendSignal(crashedPid, Signal.Kill);
            await registry.Exited!;
            await ProblemAssert.IsProblemAsync(await gateway.GetAsync($"/api/v1/schools/{id}"), HttpStatusCode.ServiceUnavailable,
                "urn:mensi:problem:service-unavailable");

            await Eventually.UntilAsync(() => Task.FromResult((registry.State, registry.Pid)),
                r => r.State == ResourceState.Healthy && r.Pid is { } p && p != crashedPid, TimeSpan.FromSeconds(60));
            Assert.Equal(ResourceState.Healthy, registry.State);
            pids.Add(registry.Pid!.Value);
            Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync($"/api/v1/schools/{id}")).StatusCode);
        }
        finally
        {
            await testing.DisposeAsync();
        }

        Assert.All(pids, pid => Assert.False(Directory.Exists($"/proc/{pid}") && !IsZombie(pid), $"process {pid} is still running"));
        Assert.Empty(StateFolder.ProcessesNaming(stateRoot));
    }

    private static async Task<string> TokenScriptAsync(string email, Uri gateway)
    {
        var info = new System.Diagnostics.ProcessStartInfo(Path.Combine(RepositoryRoot.Find(), "scripts", "token.sh")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { email, "", gateway.ToString().TrimEnd('/') }) info.ArgumentList.Add(argument);
        using var process = System.Diagnostics.Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"scripts/token.sh {email} failed: {errors}");
        return output;
    }

    private static bool IsZombie(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Trim().StartsWith('Z'); }
        catch (IOException) { return true; }
    }
}
