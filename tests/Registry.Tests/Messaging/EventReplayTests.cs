using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Testing;
using MenSI.Testing.Security;
using Xunit;

namespace MenSI.Registry.Tests.Messaging;

/// <summary>Replaying already published events from the outbox, for a consumer that rebuilds what it keeps.</summary>
public class EventReplayTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    [Fact]
    public async Task Replay_publishes_the_same_events_again_in_their_order_with_their_ids()
    {
        await using var listener = await EventListener.StartAsync(registry.AmqpUri, "mensi.registry.school-registered", "mensi.registry.school-status-changed");
        var since = DateTimeOffset.UtcNow;
        var created = await (await registry.Client.PostAsync(SchoolBodies.Valid())).Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK,
            (await registry.Client.SendJsonAsync(HttpMethod.Post, $"/api/v1/schools/{id}/status", new { status = "active", reason = "Accepted." }, "*")).StatusCode);
        var first = await listener.WaitForAsync(e => e.Body.GetProperty("schoolId").GetGuid() == id, count: 2);

        using var replay = await registry.Client.PostAsJsonAsync("/api/v1/schools/events/replay",
            new { events = new[] { "mensi.registry.school-registered", "mensi.registry.school-status-changed" }, since });
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.True((await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("replayed").GetInt32() >= 2);

        var all = await listener.WaitForAsync(e => e.Body.GetProperty("schoolId").GetGuid() == id, count: 4);
        var ids = all.Select(e => e.Body.GetProperty("eventId").GetGuid()).ToList();
        Assert.Equal(first.Select(e => e.Body.GetProperty("eventId").GetGuid()), ids.Skip(2)); // same ids, same order
        Assert.Equal(["mensi.registry.school-registered", "mensi.registry.school-status-changed"], all.Skip(2).Select(e => e.Exchange));
    }

    [Fact]
    public async Task Replay_is_for_network_admins_and_names_known_events()
    {
        var fields = ProblemAssert.FieldErrors(await ProblemAssert.IsProblemAsync(
            await registry.Client.PostAsJsonAsync("/api/v1/schools/events/replay", new { events = new[] { "mensi.registry.school-exploded" } }),
            HttpStatusCode.BadRequest, "urn:mensi:problem:validation"));
        Assert.Equal(["events"], fields);
        using var ministry = await registry.ClientAsync(Persona.MinistryOfficer("HU"));
        Assert.Equal(HttpStatusCode.Forbidden,
            (await ministry.PostAsJsonAsync("/api/v1/schools/events/replay", new { events = new[] { "mensi.registry.school-registered" } })).StatusCode);
    }
}
