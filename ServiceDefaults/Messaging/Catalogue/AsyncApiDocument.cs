using System.Text.Json.Nodes;
using MenSI.Contracts;

namespace MenSI.ServiceDefaults.Messaging.Catalogue;

/// <summary>
/// The platform's events as an AsyncAPI 3.0 document, written from <c>services/Contracts</c> alone: one channel per
/// exchange (durable fanout, named as <see cref="EventNames"/> names it), one message per contract with its JSON Schema
/// payload, the CloudEvents AMQP application properties as its headers, and an example. The gateway serves it at
/// <c>/asyncapi.json</c> and <c>docs/asyncapi.json</c> is the same document (a test keeps them equal).
/// </summary>
public static class AsyncApiDocument
{
    public const string Version = "1.0.0";

    private static readonly string[] ServiceOrder = ["registry", "clusters", "courses", "community", "policy"];

    public static JsonObject Build()
    {
        var docs = ContractDocumentation.Load();
        var channels = new JsonObject();
        var operations = new JsonObject();
        var messages = new JsonObject();
        var schemas = new JsonObject();

        // Upstream services first, each service's events in the order its contracts declare them (the order they happen).
        foreach (var type in EventNames.All().OrderBy(t => Array.IndexOf(ServiceOrder, EventNames.ServiceOf(t)) is var rank and >= 0 ? rank : int.MaxValue).ThenBy(t => t.MetadataToken))
        {
            var exchange = EventNames.ExchangeFor(type);
            var service = EventNames.ServiceOf(type);
            var messageRef = $"#/components/messages/{type.Name}";
            schemas[type.Name] = EventSchemas.Payload(type, docs);

            var example = EventSchemas.Example(type);
            var message = new JsonObject
            {
                ["name"] = type.Name,
                ["title"] = exchange,
                ["summary"] = docs.Summary(type),
                ["contentType"] = "application/json",
                ["headers"] = Headers(exchange, service),
                ["payload"] = new JsonObject { ["$ref"] = $"#/components/schemas/{type.Name}" },
                ["examples"] = new JsonArray(new JsonObject
                {
                    ["name"] = "example",
                    ["headers"] = ExampleHeaders(example, exchange, service),
                    ["payload"] = example,
                }),
                ["bindings"] = new JsonObject { ["amqp"] = new JsonObject { ["messageType"] = exchange, ["bindingVersion"] = "0.3.0" } },
            };
            if (docs.Remarks(type) is { Length: > 0 } remarks) message["description"] = remarks;
            messages[type.Name] = message;

            channels[exchange] = new JsonObject
            {
                ["address"] = exchange,
                ["title"] = exchange,
                ["description"] = $"Durable fanout exchange of the {service} service: bind your own queue to it.",
                ["messages"] = new JsonObject { [type.Name] = new JsonObject { ["$ref"] = messageRef } },
                ["bindings"] = new JsonObject
                {
                    ["amqp"] = new JsonObject
                    {
                        ["is"] = "routingKey",
                        ["exchange"] = new JsonObject { ["name"] = exchange, ["type"] = "fanout", ["durable"] = true, ["autoDelete"] = false, ["vhost"] = "/" },
                        ["bindingVersion"] = "0.3.0",
                    },
                },
            };

            operations["publish" + type.Name] = new JsonObject
            {
                ["action"] = "send",
                ["title"] = $"The {service} service publishes {type.Name}",
                ["channel"] = new JsonObject { ["$ref"] = $"#/channels/{exchange}" },
                ["messages"] = new JsonArray(new JsonObject { ["$ref"] = $"#/channels/{exchange}/messages/{type.Name}" }),
            };
        }

        return new JsonObject
        {
            ["asyncapi"] = "3.0.0",
            ["id"] = "urn:eu:mensi:platform:events",
            ["info"] = new JsonObject
            {
                ["title"] = "MenSI Platform integration events",
                ["version"] = Version,
                ["description"] = "What the MenSI services publish, for ministry systems and the services themselves. Delivery is at least once: "
                                  + "deduplicate on `eventId`. A breaking change is a new event with a `V2` suffix. The rules of ordering, versions, "
                                  + "replay and failures are in docs/events.md.",
            },
            ["defaultContentType"] = "application/json",
            ["servers"] = new JsonObject
            {
                ["broker"] = new JsonObject
                {
                    ["host"] = "{host}",
                    ["protocol"] = "amqp",
                    ["protocolVersion"] = "0-9-1",
                    ["description"] = "The network's RabbitMQ. Locally the AppHost prints its address; ask the operators for yours.",
                    ["variables"] = new JsonObject { ["host"] = new JsonObject { ["default"] = "localhost:5672" } },
                },
            },
            ["channels"] = channels,
            ["operations"] = operations,
            ["components"] = new JsonObject { ["messages"] = messages, ["schemas"] = schemas },
        };
    }

    /// <summary>The CloudEvents 1.0 attributes, as the CloudEvents AMQP binding names them (see <see cref="CloudEvents"/>).</summary>
    private static JsonObject Headers(string exchange, string service) => new()
    {
        ["type"] = "object",
        ["description"] = "AMQP application properties. Others may be present (the AMQP client's `x-dotnet-pub-seq-no`): ignore them.",
        ["properties"] = new JsonObject
        {
            [CloudEvents.SpecVersion] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("1.0") },
            [CloudEvents.Id] = new JsonObject { ["type"] = "string", ["format"] = "uuid", ["description"] = "The payload's `eventId`." },
            [CloudEvents.Source] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("/" + EventNames.Prefix + "/" + service) },
            [CloudEvents.Type] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray(exchange) },
            [CloudEvents.Time] = new JsonObject { ["type"] = "string", ["format"] = "date-time", ["description"] = "The payload's `occurredAt`, the same string." },
            [CloudEvents.DataContentType] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("application/json") },
        },
        ["required"] = new JsonArray(CloudEvents.SpecVersion, CloudEvents.Id, CloudEvents.Source, CloudEvents.Type, CloudEvents.Time, CloudEvents.DataContentType),
    };

    private static JsonObject ExampleHeaders(JsonNode example, string exchange, string service) => new()
    {
        [CloudEvents.SpecVersion] = "1.0",
        [CloudEvents.Id] = example["eventId"]!.GetValue<string>(),
        [CloudEvents.Source] = "/" + EventNames.Prefix + "/" + service,
        [CloudEvents.Type] = exchange,
        [CloudEvents.Time] = example["occurredAt"]!.GetValue<string>(),
        [CloudEvents.DataContentType] = "application/json",
    };
}
