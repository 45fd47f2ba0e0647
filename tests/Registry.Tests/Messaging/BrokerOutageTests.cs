using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MenSI.ServiceDefaults.Messaging;
using MenSI.Testing;
using MenSI.Testing.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace MenSI.Registry.Tests.Messaging;

/// <summary>
/// The outbox's promise: with the broker stopped, writes still succeed, their events wait in the outbox, and once the
/// broker is back every one of them is published, once. Uses a broker of its own so the outage hits no other test.
/// </summary>
public class BrokerOutageTests
{
    [Fact]
    public async Task Events_written_while_the_broker_is_down_are_all_published_once_it_returns()
    {
        var servers = await PlatformServers.GetAsync();
        var broker = await servers.StartPrivateBrokerAsync("rabbitmq-outage");
        try
        {
            await using var host = await RegistryFixture.StartHostAsync("outage", broker);
            var client = PersonaTokens.Authorized(host.CreateClient(), await (await IdentityHost.GetAsync()).TokenForAsync(Persona.NetworkAdmin));
            await client.WaitHealthyAsync();
            // A durable queue keeps what is published while this test is not listening.
            await (await EventListener.StartDurableAsync(broker.ConnectionString, "outage-probe", "mensi.registry.school-registered")).DisposeAsync();

            await broker.StopAsync();
            var ids = new List<Guid>();
            for (var i = 0; i < 5; i++)
            {
                var created = await client.PostAsJsonAsync("/api/v1/schools", SchoolBodies.Valid());
                Assert.Equal(HttpStatusCode.Created, created.StatusCode); // the write does not depend on the broker
                ids.Add((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
            }

            // Readiness says so at once (the writes still succeed): the broker check, then the backlog once it is old.
            var health = await Eventually.UntilAsync(async () => JsonDocument.Parse(await (await client.GetAsync("/health")).Content.ReadAsStringAsync()).RootElement,
                h => h.GetProperty("checks").GetProperty("broker").GetProperty("status").GetString() == "Degraded", TimeSpan.FromSeconds(10));
            Assert.NotEqual("Healthy", health.GetProperty("status").GetString());
            Assert.Equal("Degraded", health.GetProperty("checks").GetProperty("broker").GetProperty("status").GetString());

            await Task.Delay(TimeSpan.FromSeconds(2));
            await using (var scope = host.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
                Assert.Equal(5, await db.Set<OutboxMessage>().CountAsync(m => m.SentAt == null));
            }

            await servers.RestartAsync(broker);
            await using var listener = await EventListener.StartDurableAsync(broker.ConnectionString, "outage-probe", "mensi.registry.school-registered");
            var received = await listener.WaitForAsync(e => ids.Contains(e.Body.GetProperty("schoolId").GetGuid()), count: 5, timeout: TimeSpan.FromSeconds(90));

            Assert.Equal(ids.Order(), received.Select(e => e.Body.GetProperty("schoolId").GetGuid()).Order());
            // The rows are stamped sent when the batch commits, a moment after the broker confirmed them.
            var pending = await Eventually.UntilAsync(async () =>
            {
                await using var scope = host.Services.CreateAsyncScope();
                return await scope.ServiceProvider.GetRequiredService<RegistryDbContext>().Set<OutboxMessage>().CountAsync(m => m.SentAt == null);
            }, count => count == 0, TimeSpan.FromSeconds(10));

            Assert.Equal(0, pending);

            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Equal(5, listener.Received.Count); // nothing doubled
        }
        finally
        {
            await broker.StopAsync();
        }
    }
}
