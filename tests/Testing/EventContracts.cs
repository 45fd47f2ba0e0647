using System.Text.Json.Nodes;
using NJsonSchema;

namespace MenSI.Testing;

/// <summary>
/// Checks messages against the published AsyncAPI document, as a ministry system's generated consumer would read them:
/// the payload against the message's JSON Schema, the AMQP application properties against its headers schema. Takes
/// the document a caller fetched (from the gateway) so the contract checked is the one served.
/// </summary>
public sealed class EventContracts
{
    private readonly Dictionary<string, (JsonSchema Payload, JsonSchema Headers)> _byExchange;

    private EventContracts(Dictionary<string, (JsonSchema, JsonSchema)> byExchange) => _byExchange = byExchange;

    public IReadOnlyCollection<string> Exchanges => _byExchange.Keys;

    public static async Task<EventContracts> FromAsyncApiAsync(JsonObject document)
    {
        var byExchange = new Dictionary<string, (JsonSchema, JsonSchema)>(StringComparer.Ordinal);
        var messages = document["components"]!["messages"]!.AsObject();
        var schemas = document["components"]!["schemas"]!.AsObject();
        foreach (var (exchange, channel) in document["channels"]!.AsObject())
        {
            var name = channel!["messages"]!.AsObject().Single().Key;
            var payload = await JsonSchema.FromJsonAsync(schemas[name]!.ToJsonString());
            var headers = await JsonSchema.FromJsonAsync(messages[name]!["headers"]!.ToJsonString());
            byExchange[exchange] = (payload, headers);
        }

        return new EventContracts(byExchange);
    }

    /// <summary>What is wrong with a message on <paramref name="exchange"/>; empty when it keeps the contract.</summary>
    public IReadOnlyList<string> Check(string exchange, string payloadJson, IReadOnlyDictionary<string, string> headers)
    {
        if (!_byExchange.TryGetValue(exchange, out var schemas)) return [$"{exchange} is not in the AsyncAPI document"];
        var headersJson = new JsonObject(headers.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)JsonValue.Create(h.Value)))).ToJsonString();
        return schemas.Payload.Validate(payloadJson).Select(e => $"{exchange} payload: {e}")
            .Concat(schemas.Headers.Validate(headersJson).Select(e => $"{exchange} headers: {e}"))
            .ToList();
    }

    /// <summary>Checks every received event; returns the exchanges seen, so a test can say which contracts the wire exercised.</summary>
    public IReadOnlySet<string> CheckAll(IEnumerable<ReceivedEvent> received)
    {
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in received)
        {
            seen.Add(e.Exchange);
            problems.AddRange(Check(e.Exchange, e.Body.GetRawText(), e.Headers));
        }

        if (problems.Count > 0) throw new Xunit.Sdk.XunitException("Messages on the wire break the published contract:\n" + string.Join("\n", problems.Distinct().Take(30)));
        return seen;
    }
}
