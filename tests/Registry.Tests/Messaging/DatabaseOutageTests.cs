using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Hosting;
using MenSI.Testing;
using MenSI.Testing.Security;
using Xunit;

namespace MenSI.Registry.Tests.Messaging;

/// <summary>
/// A database that is away is the service's problem, not the client's: 503 with <c>Retry-After</c> and a problem
/// saying nothing changed (never a 500), readiness failing, and everything working again once it is back. On a
/// PostgreSQL server of the test's own, so the outage hits no other test.
/// </summary>
public class DatabaseOutageTests
{
    [Fact]
    public async Task Registry_answers_503_with_retry_after_while_its_database_is_away_and_recovers_after()
    {
        var servers = await PlatformServers.GetAsync();
        var postgres = await servers.StartPrivatePostgresAsync("postgres-outage");
        try
        {
            await postgres.CreateDatabaseAsync("registry_outage", CancellationToken.None);
            var configuration = servers.ServiceConfiguration("registry-db", postgres.ConnectionStringFor("registry_outage"));
            (await IdentityHost.GetAsync()).Configure(configuration);
            await using var host = new ServiceHost<Program>(configuration);
            using var admin = PersonaTokens.Authorized(host.CreateClient(), await (await IdentityHost.GetAsync()).TokenForAsync(Persona.NetworkAdmin));
            await admin.WaitHealthyAsync();

            await postgres.StopAsync();
            foreach (var call in new Func<Task<HttpResponseMessage>>[]
                     {
                         () => admin.GetAsync("/api/v1/schools?country=HU"),
                         () => admin.PostAsJsonAsync("/api/v1/schools", SchoolBodies.Valid()),
                     })
            {
                using var response = await call();
                var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable, "urn:mensi:problem:service-unavailable");
                Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
                Assert.Contains("nothing was changed", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            }

            using (var health = await admin.GetAsync("/health"))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            }

            await servers.RestartAsync(postgres);
            await admin.WaitHealthyAsync();
            using var created = await admin.PostAsJsonAsync("/api/v1/schools", SchoolBodies.Valid());
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        finally
        {
            await postgres.StopAsync();
        }
    }

    [Fact]
    public async Task Identitys_token_endpoint_answers_503_while_its_database_is_away()
    {
        var servers = await PlatformServers.GetAsync();
        var postgres = await servers.StartPrivatePostgresAsync("postgres-identity-outage");
        try
        {
            await postgres.CreateDatabaseAsync("identity_outage", CancellationToken.None);
            var identity = await IdentityHost.StartAsync(new Dictionary<string, string?> { ["ConnectionStrings:identity-db"] = postgres.ConnectionStringFor("identity_outage") });
            using var http = new HttpClient { BaseAddress = identity.Address };
            var form = () => new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = IdentityHost.MachineClientId, ["client_secret"] = IdentityHost.MachineClientSecret,
            });
            using (var before = await http.PostAsync("/connect/token", form()))
            {
                Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            }

            await postgres.StopAsync();
            using var during = await http.PostAsync("/connect/token", form());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
            Assert.NotNull(during.Headers.RetryAfter);
            Assert.DoesNotContain("   at ", await during.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await postgres.StopAsync();
        }
    }
}
