using System.Text.Json;
using MenSI.Contracts.Registry;
using System.Net;
using System.Net.Http.Json;
using MenSI.ServiceDefaults.Messaging;
using MenSI.Testing;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace MenSI.Clusters.Tests.Schools;

/// <summary>Registry-shaped events, published on the real broker as any producer would, and what Clusters makes of them.</summary>
[Collection(ClustersCollection.Name)]
public class SchoolSnapshotTests(ClustersFixture clusters)
{
    private static readonly SelfieScores Twos = new(2, 2, 2, 2, 2, 2, 2, 2);
    private static readonly SelfieScores Mixed = new(3, 4, 3, 4, 3, 4, 3, 4);

    [Fact]
    public async Task The_snapshot_follows_registration_role_status_and_self_assessments()
    {
        var id = Guid.CreateVersion7();
        await clusters.PublishAsync(new SchoolRegistered(Guid.CreateVersion7(), DateTimeOffset.UtcNow, id, "PT", "codigo-escola", "123456", "Escola Básica de Sintra", "none", "applicant", 1));
        await clusters.FactsAsync(id, f => f.GetProperty("name").GetString() == "Escola Básica de Sintra" && f.GetProperty("status").GetString() == "applicant");

        await clusters.PublishAsync(new SchoolStatusChanged(Guid.CreateVersion7(), DateTimeOffset.UtcNow, id, "PT", "applicant", "active", "none", 2));
        await clusters.PublishAsync(new SchoolRoleAssigned(Guid.CreateVersion7(), DateTimeOffset.UtcNow, id, "PT", "none", "mentee", "active", 3));
        await clusters.PublishAsync(new DigitalMaturityAssessed(Guid.CreateVersion7(), DateTimeOffset.UtcNow, id, "PT", Guid.CreateVersion7(), new DateOnly(2025, 10, 1), Twos));
        await clusters.PublishAsync(new DigitalMaturityAssessed(Guid.CreateVersion7(), DateTimeOffset.UtcNow, id, "PT", Guid.CreateVersion7(), new DateOnly(2026, 10, 1), Mixed));

        // Every effect, not the last one published: the two assessments (and the status and the role) may land in any order.
        var facts = await clusters.FactsAsync(id, f => f.GetProperty("role").GetString() == "mentee" && f.GetProperty("status").GetString() == "active"
                                                     && f.TryGetProperty("latestAssessedOn", out var latest) && latest.GetString() == "2026-10-01"
                                                     && f.TryGetProperty("firstAssessedOn", out var first) && first.GetString() == "2025-10-01");
        Assert.Equal("active", facts.GetProperty("status").GetString());
        Assert.Equal(3, facts.GetProperty("membershipVersion").GetInt32());
        Assert.Equal(2m, facts.GetProperty("firstMaturity").GetDecimal());
        Assert.Equal(3.5m, facts.GetProperty("latestMaturity").GetDecimal());
        Assert.Equal(4, facts.GetProperty("latestScores").GetProperty("collaborationAndNetworking").GetInt32());
    }

    [Fact]
    public async Task A_stale_event_is_ignored()
    {
        var id = await clusters.SchoolAsync();
        await clusters.PublishAsync(new SchoolStatusChanged(Guid.CreateVersion7(), DateTimeOffset.UtcNow, id, "HU", "active", "suspended", "mentee", 5));
        await clusters.FactsAsync(id, f => f.GetProperty("status").GetString() == "suspended");

        // Version 4 was overtaken by version 5: it must not bring the school back.
        var stale = new SchoolStatusChanged(Guid.CreateVersion7(), DateTimeOffset.UtcNow, id, "HU", "applicant", "active", "mentee", 4);
        await clusters.PublishAsync(stale);
        await Eventually.UntilAsync(() => clusters.QueryAsync(db => db.Set<InboxMessage>().AnyAsync(m => m.EventId == stale.EventId)), handled => handled);

        var facts = await clusters.FactsAsync(id, _ => true);
        Assert.Equal("suspended", facts.GetProperty("status").GetString());
        Assert.Equal(5, facts.GetProperty("membershipVersion").GetInt32());
    }

    [Fact]
    public async Task A_duplicate_event_has_no_second_effect()
    {
        var mentor = await clusters.SchoolAsync("mentor");
        var mentee = await clusters.SchoolAsync();
        var cluster = (await clusters.Admin.FormAsync(mentor)).Id();
        await clusters.Admin.AddMenteeAsync(cluster, mentee);

        var withdrawal = clusters.StatusChange(mentee, "withdrawn");
        await clusters.PublishAsync(withdrawal);
        await clusters.PublishAsync(withdrawal);
        await clusters.PublishAsync(withdrawal);
        await Eventually.UntilAsync(() => clusters.QueryAsync(db => db.Set<InboxMessage>().CountAsync(m => m.EventId == withdrawal.EventId)), n => n >= 1);
        await Task.Delay(500); // the copies are queued behind the first; give them time to be handled

        Assert.Equal(1, await clusters.QueryAsync(db => db.Set<InboxMessage>().CountAsync(m => m.EventId == withdrawal.EventId)));
        var left = await clusters.OutboxAsync("SchoolLeftCluster", cluster);
        Assert.Single(left);
        Assert.Equal("school-withdrawn", left[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Replaying_the_events_in_another_order_rebuilds_the_same_snapshot()
    {
        var inOrder = Guid.CreateVersion7();
        var shuffled = Guid.CreateVersion7();
        IEnumerable<Contracts.IIntegrationEvent> History(Guid id) =>
        [
            new SchoolRegistered(Guid.CreateVersion7(), DateTimeOffset.UtcNow, id, "HR", "e-matica", id.ToString("N")[..8], "Osnovna škola Split", "none", "applicant", 1),
            new SchoolStatusChanged(Guid.CreateVersion7(), DateTimeOffset.UtcNow, id, "HR", "applicant", "active", "none", 2),
            new SchoolRoleAssigned(Guid.CreateVersion7(), DateTimeOffset.UtcNow, id, "HR", "none", "mentor", "active", 3),
            new SchoolProfileUpdated(Guid.CreateVersion7(), DateTimeOffset.UtcNow, id, "HR", "Osnovna škola Split-Centar", ["name"], 4),
            new SchoolStatusChanged(Guid.CreateVersion7(), DateTimeOffset.UtcNow, id, "HR", "active", "suspended", "mentor", 5),
            new DigitalMaturityAssessed(Guid.CreateVersion7(), DateTimeOffset.UtcNow, id, "HR", Guid.CreateVersion7(), new DateOnly(2025, 3, 1), Twos),
            new DigitalMaturityAssessed(Guid.CreateVersion7(), DateTimeOffset.UtcNow, id, "HR", Guid.CreateVersion7(), new DateOnly(2026, 3, 1), Mixed),
        ];

        foreach (var e in History(inOrder)) await clusters.PublishAsync(e);
        foreach (var e in History(shuffled).Reverse()) await clusters.PublishAsync(e);

        // Shuffled, the snapshot exists before it has every fact (a status before the registration: no name yet).
        static bool Complete(JsonElement f) => f.GetProperty("membershipVersion").GetInt32() == 5
                                              && f.TryGetProperty("name", out var name) && name.GetString() == "Osnovna škola Split-Centar"
                                              && f.TryGetProperty("firstAssessedOn", out var first) && first.GetString() == "2025-03-01"
                                              && f.TryGetProperty("latestAssessedOn", out var latest) && latest.GetString() == "2026-03-01";
        var a = await clusters.FactsAsync(inOrder, Complete);
        var b = await clusters.FactsAsync(shuffled, Complete);
        foreach (var field in new[] { "country", "name", "role", "status", "membershipVersion", "firstMaturity", "latestMaturity", "latestScores" })
        {
            Assert.Equal(a.GetProperty(field).GetRawText(), b.GetProperty(field).GetRawText());
        }

        Assert.Equal("suspended", b.GetProperty("status").GetString());
        Assert.Equal("mentor", b.GetProperty("role").GetString());
    }

    [Fact]
    public async Task Withdrawing_a_mentee_removes_it_from_forming_clusters_and_flags_it_in_active_ones()
    {
        var mentor = await clusters.SchoolAsync("mentor");
        var mentee = await clusters.SchoolAsync();
        var other = await clusters.SchoolAsync();
        var forming = (await clusters.Admin.FormAsync(mentor)).Id();
        await clusters.Admin.AddMenteeAsync(forming, mentee);
        var active = (await clusters.Admin.FormAsync(mentor)).Id();
        await clusters.Admin.AddMenteeAsync(active, other);
        await clusters.Admin.ActivateAsync(active);

        await clusters.PublishAsync(clusters.StatusChange(mentee, "withdrawn"));
        await clusters.PublishAsync(clusters.StatusChange(other, "suspended"));

        var formingNow = await Eventually.UntilAsync(() => clusters.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/clusters/{forming}"),
            c => c.GetProperty("members").EnumerateArray().Any(m => m.TryGetProperty("leftAt", out _)));
        var left = formingNow.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("schoolId").GetGuid() == mentee);
        Assert.Equal("school-withdrawn", left.GetProperty("flag").GetString());
        Assert.Empty(formingNow.GetProperty("flaggedSchools").EnumerateArray());

        var activeNow = await Eventually.UntilAsync(() => clusters.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/clusters/{active}"),
            c => c.GetProperty("flaggedSchools").GetArrayLength() == 1);
        Assert.Equal(other, activeNow.GetProperty("flaggedSchools")[0].GetGuid());
        var flagged = activeNow.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("schoolId").GetGuid() == other);
        Assert.False(flagged.TryGetProperty("leftAt", out _)); // null values are left out
        Assert.Equal("school-suspended", flagged.GetProperty("flag").GetString());
        Assert.Single(await clusters.OutboxAsync("SchoolLeftCluster", forming));
        Assert.Equal("school-suspended", Assert.Single(await clusters.OutboxAsync("ClusterSchoolFlagged", active)).GetProperty("flag").GetString());

        // Reinstated in the Registry: the flag goes, and that is published too.
        await clusters.PublishAsync(clusters.StatusChange(other, "active", previous: "suspended"));
        await Eventually.UntilAsync(() => clusters.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/clusters/{active}"),
            c => c.GetProperty("flaggedSchools").GetArrayLength() == 0);
        Assert.Equal(["school-suspended", "none"], (await clusters.OutboxAsync("ClusterSchoolFlagged", active)).Select(e => e.GetProperty("flag").GetString()));
    }

    [Fact]
    public async Task After_a_rebuild_the_replayed_events_fill_the_snapshots_again()
    {
        var id = Guid.CreateVersion7();
        Contracts.IIntegrationEvent[] history =
        [
            new SchoolRegistered(Guid.CreateVersion7(), DateTimeOffset.UtcNow, id, "CZ", "red-izo", "600012345", "Základní škola Brno", "none", "applicant", 1),
            new SchoolRoleAssigned(Guid.CreateVersion7(), DateTimeOffset.UtcNow, id, "CZ", "none", "mentee", "applicant", 2),
            new SchoolStatusChanged(Guid.CreateVersion7(), DateTimeOffset.UtcNow, id, "CZ", "applicant", "active", "mentee", 3),
        ];
        foreach (var e in history) await clusters.PublishAsync(e);
        await clusters.FactsAsync(id, f => f.GetProperty("membershipVersion").GetInt32() == 3 && f.TryGetProperty("name", out _));
        // Every event handled, not just the facts visible: a role assignment arriving after the rebuild would bring the school back.
        var eventIds = history.Select(e => e.EventId).ToList();
        await Eventually.UntilAsync(() => clusters.QueryAsync(db => db.Set<InboxMessage>().CountAsync(m => eventIds.Contains(m.EventId))), n => n == history.Length);

        using var response = await clusters.Admin.PostAsync("/api/v1/clusters/schools/rebuild", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("snapshotsCleared").GetInt32() >= 1);
        Assert.Equal(HttpStatusCode.NotFound, (await clusters.Admin.GetAsync($"/api/v1/clusters/schools/{id}")).StatusCode);

        // The Registry's replay sends the very same events (same ids): new to the cleared inbox, so they count again.
        foreach (var e in history) await clusters.PublishAsync(e);
        // Each event type has its own queue: wait for all three effects, not just the highest version.
        var facts = await clusters.FactsAsync(id, f => f.GetProperty("membershipVersion").GetInt32() == 3 && f.TryGetProperty("name", out _));
        Assert.Equal(("Základní škola Brno", "mentee", "active"),
            (facts.GetProperty("name").GetString(), facts.GetProperty("role").GetString(), facts.GetProperty("status").GetString()));

        using var teacher = await clusters.ClientAsync(MenSI.Testing.Security.Persona.Teacher);
        Assert.Equal(HttpStatusCode.Forbidden, (await teacher.PostAsync("/api/v1/clusters/schools/rebuild", null)).StatusCode);
    }
}
