using System.Net.Http.Json;
using System.Text.Json;
using MenSI.Contracts;
using MenSI.Contracts.Clusters;
using MenSI.Contracts.Community;
using MenSI.Contracts.Courses;
using MenSI.Contracts.Registry;
using MenSI.Testing;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace MenSI.Policy.Tests.Evidence;

/// <summary>
/// A small network in one country (Slovakia, which no other test uses) whose figures are worked out by hand below. Its
/// events reach Policy shuffled and each twice; the indicators must be exact today, as of a day in the past, and again
/// after the read model is rebuilt from the evidence log.
/// </summary>
[Collection(PolicyCollection.Name)]
public class IndicatorTests(PolicyFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero), T1 = new(2026, 5, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly SelfieScores Twos = new(2, 2, 2, 2, 2, 2, 2, 2), Threes = new(3, 3, 3, 3, 3, 3, 3, 3), Mixed = new(2, 3, 2, 3, 2, 3, 2, 3);

    [Fact]
    public async Task Indicators_are_exact_today_and_on_a_past_date_after_duplicates_disorder_and_a_rebuild()
    {
        var events = Network("SK");
        foreach (var e in events.Concat(events).OrderBy(_ => Random.Shared.Next())) await fixture.PublishAsync(e);
        var ids = events.Select(e => e.EventId).ToList();
        await Eventually.UntilAsync(() => fixture.QueryAsync(db => db.EvidenceLog.CountAsync(e => ids.Contains(e.EventId))), n => n == ids.Count, TimeSpan.FromSeconds(20));

        using var member = await fixture.ClientAsync(MenSI.Testing.Security.Persona.Teacher);
        await AssertFiguresAsync(member);
        var rebuilt = await fixture.Admin.PostAsync("/api/v1/policy/evidence/rebuild", null).OkAsync();
        Assert.True(rebuilt.GetProperty("eventsReplayed").GetInt64() >= ids.Count);
        await AssertFiguresAsync(member);
    }

    private static async Task AssertFiguresAsync(HttpClient member)
    {
        var topDown = await FiguresAsync(member, "country=SK&approach=top-down");
        Expect(topDown, new()
        {
            ["clusters.active"] = 1, ["clusters.total"] = 1, ["schools.mentor.active"] = 1, ["schools.mentee.active"] = 2, ["schools.mentee.withdrawn"] = 0,
            ["activities"] = 2, ["participantHours"] = 30, ["staffHours"] = 10, ["costEuro"] = 350.50m, ["menteeSchools"] = 2, ["costPerMenteeSchool"] = 175.25m,
            ["menteesAssessed"] = 1, ["maturityChange"] = 1, ["averageMaturityChange"] = 1, ["enrolments"] = null, ["posts"] = null,
        });

        var country = await FiguresAsync(member, "country=SK");
        Expect(country, new()
        {
            ["clusters.active"] = 1, ["clusters.dissolved"] = 1, ["clusters.total"] = 2, ["schools.mentor.active"] = 1, ["schools.mentee.active"] = 2,
            ["schools.mentee.withdrawn"] = 1, ["schools.mentee.applicant"] = 1, ["activities"] = 2, ["menteeSchools"] = 2, ["enrolments"] = 3, ["completions"] = 1,
            ["threads"] = 2, ["posts"] = 5, ["resources"] = 1,
        });

        // On 11 March: the second cluster, the second activity, the withdrawal, the second assessment and the completion had not happened.
        var past = await FiguresAsync(member, "country=SK&asOf=2026-03-11");
        Expect(past, new()
        {
            ["clusters.active"] = 1, ["clusters.dissolved"] = 0, ["clusters.total"] = 1, ["schools.mentee.active"] = 3, ["schools.mentee.withdrawn"] = 0,
            ["activities"] = 1, ["participantHours"] = 10, ["costEuro"] = 100, ["menteeSchools"] = 3, ["costPerMenteeSchool"] = 33.33m, ["menteesAssessed"] = 0,
            ["averageMaturityChange"] = null, ["enrolments"] = 3, ["completions"] = 0, ["posts"] = 5,
        });
        Assert.Equal(0m, (await FiguresAsync(member, "country=SK&asOf=2026-02-28"))["clusters.total"]);
    }

    private static async Task<Dictionary<string, decimal?>> FiguresAsync(HttpClient client, string query) =>
        (await client.GetAsync($"/api/v1/policy/indicators?{query}").OkAsync()).GetProperty("figures").EnumerateObject()
            .ToDictionary(f => f.Name, f => f.Value.ValueKind == JsonValueKind.Null ? (decimal?)null : f.Value.GetDecimal());

    private static void Expect(Dictionary<string, decimal?> actual, Dictionary<string, decimal?> expected)
    {
        foreach (var (key, value) in expected) Assert.True(actual[key] == value, $"{key}: expected {value?.ToString() ?? "null"}, got {actual[key]?.ToString() ?? "null"}");
    }

    /// <summary>
    /// Mentor M mentors cluster C1 (top-down, activated) with mentees E1, E2, E3; E3 withdraws and leaves on T1. Cluster C2
    /// (bottom-up) forms and dissolves on T1. A is an applicant. Two activities in C1 (one after T1). E1 assesses itself
    /// at 2.0 and later at 3.0 (+1.0); E2 once. E1's teachers take 3 places and complete once (after T1); a learner
    /// without a school takes one. Two threads, five posts and a resource in the country's spaces.
    /// </summary>
    public static List<IIntegrationEvent> Network(string country)
    {
        Guid M = Guid.CreateVersion7(), E1 = Guid.CreateVersion7(), E2 = Guid.CreateVersion7(), E3 = Guid.CreateVersion7(), A = Guid.CreateVersion7();
        Guid C1 = Guid.CreateVersion7(), C2 = Guid.CreateVersion7();
        Guid Id() => Guid.CreateVersion7();
        DateTimeOffset Day(DateTimeOffset t, int days) => t.AddDays(days);
        var events = new List<IIntegrationEvent>
        {
            new SchoolRegistered(Id(), T0, M, country, "sk-edu", "M" + M.ToString("N")[..6], "Mentor", "mentor", "active", 1),
            new SchoolRegistered(Id(), T0, E1, country, "sk-edu", "1" + E1.ToString("N")[..6], "Mentee 1", "mentee", "active", 1),
            new SchoolRegistered(Id(), T0, E2, country, "sk-edu", "2" + E2.ToString("N")[..6], "Mentee 2", "mentee", "active", 1),
            new SchoolRegistered(Id(), T0, E3, country, "sk-edu", "3" + E3.ToString("N")[..6], "Mentee 3", "mentee", "active", 1),
            new SchoolRegistered(Id(), T0, A, country, "sk-edu", "A" + A.ToString("N")[..6], "Applicant", "mentee", "applicant", 1),
            new SchoolStatusChanged(Id(), T1, E3, country, "active", "withdrawn", "mentee", 2),
            new ClusterFormed(Id(), T0, C1, country, M, "top-down", "ministry", "voluntary", 1),
            new SchoolJoinedCluster(Id(), T0, C1, E1, "mentee", 2),
            new SchoolJoinedCluster(Id(), T0, C1, E2, "mentee", 3),
            new SchoolJoinedCluster(Id(), T0, C1, E3, "mentee", 4),
            new ClusterActivated(Id(), Day(T0, 1), C1, [E1, E2, E3], DateOnly.FromDateTime(Day(T0, 1).UtcDateTime), 5),
            new SchoolLeftCluster(Id(), T1, C1, E3, "school-withdrawn", 6),
            new ClusterFormed(Id(), T1, C2, country, M, "bottom-up", "school", "voluntary", 1),
            new ClusterCompleted(Id(), T1.AddHours(1), C2, "dissolved", DateOnly.FromDateTime(T1.UtcDateTime), 2),
            new MentoringActivityLogged(Id(), Day(T0, 2), Id(), C1, "workshop", "on-site", new DateOnly(2026, 3, 3), [M, E1, E2], 10, 4, 100),
            new MentoringActivityLogged(Id(), Day(T1, 1), Id(), C1, "school-visit", "on-site", new DateOnly(2026, 5, 2), [M, E1], 20, 6, 250.50m),
            new DigitalMaturityAssessed(Id(), T0, E1, country, Id(), new DateOnly(2026, 1, 10), Twos),
            new DigitalMaturityAssessed(Id(), Day(T1, 2), E1, country, Id(), new DateOnly(2026, 5, 3), Threes),
            new DigitalMaturityAssessed(Id(), T0, E2, country, Id(), new DateOnly(2026, 1, 12), Mixed),
        };
        var enrolments = Enumerable.Range(0, 3).Select(_ => Id()).ToList();
        events.AddRange(enrolments.Select(e => new LearnerEnrolled(Id(), Day(T0, 3), e, Id(), Id(), E1, false)));
        events.Add(new LearnerEnrolled(Id(), Day(T0, 3), Id(), Id(), Id(), null, false));
        events.Add(new CourseCompleted(Id(), Day(T1, 3), enrolments[0], Id(), Id(), E1, Id(), DateOnly.FromDateTime(Day(T1, 3).UtcDateTime)));
        var threads = new[] { Id(), Id() };
        var space = Id();
        events.AddRange(threads.Select(t => new ThreadStarted(Id(), Day(T0, 5), t, space, "country", country, null, "sk")));
        events.AddRange(Enumerable.Range(0, 5).Select(i => new PostPublished(Id(), Day(T0, 5), Id(), threads[i % 2], space, country, i >= 2)));
        events.Add(new ResourceShared(Id(), Day(T0, 5), Id(), space, country, "article", "CC-BY-4.0", "sk", country));
        return events;
    }
}
