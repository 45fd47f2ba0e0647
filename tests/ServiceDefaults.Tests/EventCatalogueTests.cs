using System.Text.Json;
using MenSI.Contracts;
using MenSI.Hosting;
using Xunit;

namespace MenSI.ServiceDefaults.Tests;

/// <summary>docs/events.md is what ministry systems code against: it must name every event and every field.</summary>
public class EventCatalogueTests
{
    public static TheoryData<Type> Events()
    {
        var data = new TheoryData<Type>();
        foreach (var type in typeof(IIntegrationEvent).Assembly.GetTypes().Where(t => typeof(IIntegrationEvent).IsAssignableFrom(t) && !t.IsInterface))
        {
            data.Add(type);
        }

        return data;
    }

    private static readonly Lazy<string> Catalogue = new(() => File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "docs", "events.md")));

    [Theory]
    [MemberData(nameof(Events))]
    public void Every_event_and_field_is_in_the_catalogue(Type eventType)
    {
        var heading = $"### `{EventNames.ExchangeFor(eventType)}` ({eventType.Name})";
        var start = Catalogue.Value.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/events.md has no section '{heading}'");
        var next = Catalogue.Value.IndexOf("\n### ", start + heading.Length, StringComparison.Ordinal);
        var section = next < 0 ? Catalogue.Value[start..] : Catalogue.Value[start..next];

        foreach (var property in eventType.GetProperties())
        {
            var field = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            Assert.True(section.Contains($"| `{field}` |", StringComparison.Ordinal), $"{heading} does not document `{field}`");
        }
    }

    [Fact]
    public void There_are_events_to_check() => Assert.NotEmpty(Events());
}
