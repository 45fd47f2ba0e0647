using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MenSI.ServiceDefaults.Messaging.Catalogue;

/// <summary>
/// The per-event half of docs/events.md, written from the AsyncAPI document (so both say the same): per service, each
/// event's exchange, description, a table of its fields and an example. The page's first half, above
/// <see cref="Marker"/>, is prose kept by hand.
/// </summary>
public static class EventCatalogue
{
    public const string Marker = "<!-- Everything below is written from services/Contracts (see tests/ServiceDefaults.Tests/EventCatalogueTests.cs): edit the contracts' XML comments, not this page. -->";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Render(JsonObject asyncApi)
    {
        var sb = new StringBuilder();
        var messages = asyncApi["components"]!["messages"]!.AsObject();
        var schemas = asyncApi["components"]!["schemas"]!.AsObject();
        string? service = null;
        foreach (var (exchange, channel) in asyncApi["channels"]!.AsObject())
        {
            var name = channel!["messages"]!.AsObject().Single().Key;
            var message = messages[name]!;
            var owner = exchange.Split('.')[1];
            if (owner != service)
            {
                service = owner;
                sb.Append(CultureInfo.InvariantCulture, $"\n## {char.ToUpperInvariant(owner[0])}{owner[1..]}\n");
            }

            sb.Append(CultureInfo.InvariantCulture, $"\n### `{exchange}` ({name})\n\n");
            sb.Append(message["summary"]!.GetValue<string>());
            if (message["description"] is { } remarks) sb.Append(' ').Append(remarks.GetValue<string>());
            sb.Append("\n\n| field | type | |\n| --- | --- | --- |\n");
            Rows(sb, schemas[name]!.AsObject(), "");
            sb.Append("\n```json\n").Append(message["examples"]![0]!["payload"]!.ToJsonString(Indented)).Append("\n```\n");
        }

        return sb.ToString();
    }

    private static void Rows(StringBuilder sb, JsonObject schema, string prefix)
    {
        foreach (var (field, node) in schema["properties"]!.AsObject())
        {
            var property = node!.AsObject();
            var notes = new List<string>();
            if (property["description"] is { } description) notes.Add(description.GetValue<string>().TrimEnd('.'));
            var values = property["enum"] ?? property["items"]?["enum"];
            if (values is JsonArray list) notes.Add("one of " + string.Join(", ", list.Where(v => v is not null).Select(v => $"`{v}`")));
            if (property["minimum"] is { } min) notes.Add($"{min} to {property["maximum"]}");
            var text = string.Join("; ", notes);
            sb.Append(CultureInfo.InvariantCulture, $"| `{prefix}{field}` | {TypeOf(property)} |{Cell(text.Length == 0 ? text : text + ".")}|\n");
            if (property["properties"] is not null) Rows(sb, property, prefix + field + ".");
        }
    }

    private static string Cell(string text) => text.Length == 0 ? " " : $" {text.Replace("|", "\\|", StringComparison.Ordinal)} ";

    private static string TypeOf(JsonObject property)
    {
        var (type, nullable) = property["type"] switch
        {
            JsonArray types => (types[0]!.GetValue<string>(), true),
            var t => (t!.GetValue<string>(), false),
        };
        var name = type switch
        {
            "string" when property["format"] is { } format => format.GetValue<string>(),
            "array" => "array of " + TypeOf(property["items"]!.AsObject()),
            _ => type,
        };
        return nullable ? name + " or null" : name;
    }
}
