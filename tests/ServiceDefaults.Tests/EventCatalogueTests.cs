using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using MenSI.Contracts;
using MenSI.Hosting;
using MenSI.ServiceDefaults.Messaging;
using MenSI.ServiceDefaults.Messaging.Catalogue;
using MenSI.Testing;
using Xunit;

namespace MenSI.ServiceDefaults.Tests;

/// <summary>
/// The event contracts as ministry systems read them: docs/asyncapi.json and the per-event half of docs/events.md are
/// written from services/Contracts, and must equal what the code writes today. Run with MENSI_WRITE_DOCS=1 to rewrite
/// both after changing a contract (then review the diff: it is the change ministry systems will see).
/// </summary>
public class EventCatalogueTests
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly Lazy<JsonObject> Document = new(AsyncApiDocument.Build);
    private static bool Write => Environment.GetEnvironmentVariable("MENSI_WRITE_DOCS") == "1";
    private static string Docs(string file) => Path.Combine(RepositoryRoot.Find(), "docs", file);

    [Fact]
    public void Docs_asyncapi_json_is_what_the_contracts_describe()
    {
        var generated = Document.Value.ToJsonString(Indented) + "\n";
        if (Write) File.WriteAllText(Docs("asyncapi.json"), generated);
        Assert.True(generated == File.ReadAllText(Docs("asyncapi.json")),
            "docs/asyncapi.json differs from the contracts: run MENSI_WRITE_DOCS=1 dotnet test tests/ServiceDefaults.Tests --filter EventCatalogue");
    }

    /// <summary>What a ministry developer's generator checks first: the document is AsyncAPI 3.0.0 by the specification's own schema.</summary>
    [Fact]
    public void The_document_is_valid_by_the_AsyncAPI_3_0_0_specification()
    {
        var errors = Specifications.Errors(Specifications.AsyncApi30.Value, Document.Value);
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(20)));

        var broken = Document.Value.DeepClone().AsObject();
        broken["channels"]!.AsObject().First().Value!["messages"] = new JsonArray(); // a map in the specification
        Assert.NotEmpty(Specifications.Errors(Specifications.AsyncApi30.Value, broken));
    }

    [Fact]
    public void Docs_events_md_lists_what_the_contracts_describe()
    {
        var page = File.ReadAllText(Docs("events.md"));
        var marker = page.IndexOf(EventCatalogue.Marker, StringComparison.Ordinal);
        Assert.True(marker > 0, "docs/events.md lost its marker line");
        var head = page[..(marker + EventCatalogue.Marker.Length)];
        var generated = head + "\n" + EventCatalogue.Render(Document.Value);
        if (Write) File.WriteAllText(Docs("events.md"), generated);
        Assert.True(generated == File.ReadAllText(Docs("events.md")),
            "docs/events.md differs from the contracts: run MENSI_WRITE_DOCS=1 dotnet test tests/ServiceDefaults.Tests --filter EventCatalogue");
    }

    [Fact]
    public void Every_event_is_a_channel_with_a_described_message()
    {
        var channels = Document.Value["channels"]!.AsObject();
        var messages = Document.Value["components"]!["messages"]!.AsObject();
        Assert.Equal(EventNames.All().Select(EventNames.ExchangeFor).Order(), channels.Select(c => c.Key).Order());
        foreach (var type in EventNames.All())
        {
            Assert.False(string.IsNullOrWhiteSpace(messages[type.Name]!["summary"]?.GetValue<string>()), $"{type.Name} has no <summary>");
        }
    }

    /// <summary>A free-text field (a string without listed values) says what it holds: its format is not evident from its type.</summary>
    [Fact]
    public void Every_free_text_field_is_described()
    {
        var undescribed = new List<string>();
        foreach (var (name, schema) in Document.Value["components"]!["schemas"]!.AsObject())
        {
            foreach (var (field, property) in schema!["properties"]!.AsObject())
            {
                var isFreeText = property!["type"]?.ToJsonString().Contains("\"string\"", StringComparison.Ordinal) == true
                                 && property["format"] is null && property["enum"] is null;
                if (isFreeText && property["description"] is null && field is not ("country" or "name")) undescribed.Add($"{name}.{field}");
            }
        }

        Assert.True(undescribed.Count == 0, "add a <param> to: " + string.Join(", ", undescribed));
    }

    /// <summary>The examples come from the serializer; the schemas from the types: they must agree, or one of them is wrong.</summary>
    [Fact]
    public async Task Every_example_keeps_its_own_schema()
    {
        var contracts = await EventContracts.FromAsyncApiAsync(Document.Value);
        foreach (var (_, message) in Document.Value["components"]!["messages"]!.AsObject())
        {
            var example = message!["examples"]![0]!;
            var headers = example["headers"]!.AsObject().ToDictionary(h => h.Key, h => h.Value!.GetValue<string>());
            var exchange = message["title"]!.GetValue<string>();
            Assert.Empty(contracts.Check(exchange, example["payload"]!.ToJsonString(), headers));
        }
    }

    /// <summary>The validator must be able to fail: a message with a missing field, an unknown value, an extra field or a wrong header is refused.</summary>
    [Fact]
    public async Task A_message_that_breaks_the_contract_is_refused()
    {
        var contracts = await EventContracts.FromAsyncApiAsync(Document.Value);
        var exchange = EventNames.ExchangeFor<MenSI.Contracts.Clusters.ClusterFormed>();
        var example = Document.Value["components"]!["messages"]!["ClusterFormed"]!["examples"]![0]!;
        var headers = example["headers"]!.AsObject().ToDictionary(h => h.Key, h => h.Value!.GetValue<string>());

        JsonObject Payload(Action<JsonObject> change) { var p = example["payload"]!.DeepClone().AsObject(); change(p); return p; }
        Assert.NotEmpty(contracts.Check(exchange, Payload(p => p.Remove("approach")).ToJsonString(), headers));
        Assert.NotEmpty(contracts.Check(exchange, Payload(p => p["approach"] = "sideways").ToJsonString(), headers));
        Assert.NotEmpty(contracts.Check(exchange, Payload(p => p["extra"] = 1).ToJsonString(), headers));
        Assert.NotEmpty(contracts.Check(exchange, Payload(p => p["clusterId"] = "not-a-uuid").ToJsonString(), headers));
        Assert.NotEmpty(contracts.Check(exchange, Payload(p => p["version"] = "1").ToJsonString(), headers));
        Assert.NotEmpty(contracts.Check(exchange, example["payload"]!.ToJsonString(), new Dictionary<string, string>(headers) { [CloudEvents.Type] = "mensi.clusters.other" }));
        Assert.Empty(contracts.Check(exchange, example["payload"]!.ToJsonString(), headers));
    }

    [Fact]
    public void The_example_is_what_the_outbox_writes()
    {
        var type = typeof(MenSI.Contracts.Registry.DigitalMaturityAssessed);
        var example = EventSchemas.Example(type);
        var roundTrip = JsonSerializer.Deserialize(example.ToJsonString(), type, OutboxMessage.ContractJson)!;
        Assert.Equal(example.ToJsonString(), OutboxMessage.From((IIntegrationEvent)roundTrip).Payload);
        Assert.Equal(example["occurredAt"]!.GetValue<string>(), EventTime.Format(((IIntegrationEvent)roundTrip).OccurredAt));
    }
}
