using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using MenSI.Contracts;

namespace MenSI.ServiceDefaults.Messaging.Catalogue;

/// <summary>
/// JSON Schemas of the event payloads, read off the contract types as <see cref="OutboxMessage.ContractJson"/> writes
/// them: every field required and present (nullable ones may be <c>null</c>), nothing else allowed, enumerations from
/// <see cref="OneOfAttribute"/>, ranges from <see cref="RangeAttribute"/>. Each schema stands alone (nested records are
/// inlined), so a consumer can validate a message with any validator and no reference resolution.
/// </summary>
public static class EventSchemas
{
    private static readonly NullabilityInfoContext Nullability = new();

    public static JsonObject Payload(Type type, ContractDocumentation docs)
    {
        var schema = Object(type, docs);
        schema["title"] = type.Name;
        if (docs.Summary(type) is { Length: > 0 } summary) schema["description"] = summary;
        return schema;
    }

    /// <summary>The wire name of a contract property (camelCase, as the serializer writes it).</summary>
    public static string WireName(PropertyInfo property) => OutboxMessage.ContractJson.PropertyNamingPolicy!.ConvertName(property.Name);

    /// <summary>The properties that travel: the record's public instance properties, in declaration order.</summary>
    public static IReadOnlyList<PropertyInfo> Fields(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.MetadataToken).ToList();

    private static JsonObject Object(Type type, ContractDocumentation docs)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var property in Fields(type))
        {
            var field = Field(property, docs);
            if (docs.Field(type, property) is { Length: > 0 } description) field["description"] = description;
            properties[WireName(property)] = field;
            required.Add(WireName(property));
        }

        return new JsonObject { ["type"] = "object", ["properties"] = properties, ["required"] = required, ["additionalProperties"] = false };
    }

    private static JsonObject Field(PropertyInfo property, ContractDocumentation docs)
    {
        var nullable = Nullability.Create(property).ReadState == NullabilityState.Nullable;
        var schema = Of(property.PropertyType, docs);
        if (property.GetCustomAttribute<OneOfAttribute>() is { } oneOf)
        {
            var target = schema["type"]?.GetValue<string>() == "array" ? (JsonObject)schema["items"]! : schema;
            target["enum"] = new JsonArray(oneOf.Values.Select(v => (JsonNode)v).ToArray());
        }

        if (property.GetCustomAttribute<RangeAttribute>() is { } range)
        {
            schema["minimum"] = Convert.ToDecimal(range.Minimum, CultureInfo.InvariantCulture);
            schema["maximum"] = Convert.ToDecimal(range.Maximum, CultureInfo.InvariantCulture);
        }

        if (nullable)
        {
            schema["type"] = new JsonArray(schema["type"]!.GetValue<string>(), "null");
            if (schema["enum"] is JsonArray values) values.Add(null);
        }

        return schema;
    }

    private static JsonObject Of(Type type, ContractDocumentation docs)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(Guid)) return new() { ["type"] = "string", ["format"] = "uuid" };
        if (type == typeof(DateTimeOffset)) return new() { ["type"] = "string", ["format"] = "date-time" };
        if (type == typeof(DateOnly)) return new() { ["type"] = "string", ["format"] = "date" };
        if (type == typeof(string)) return new() { ["type"] = "string" };
        if (type == typeof(bool)) return new() { ["type"] = "boolean" };
        if (type == typeof(int) || type == typeof(long)) return new() { ["type"] = "integer" };
        if (type == typeof(decimal) || type == typeof(double)) return new() { ["type"] = "number" };
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            return new() { ["type"] = "array", ["items"] = Of(type.GetGenericArguments()[0], docs) };
        }

        if (type.Namespace?.StartsWith("MenSI.Contracts", StringComparison.Ordinal) == true && type.IsClass)
        {
            var nested = Object(type, docs);
            if (docs.Summary(type) is { Length: > 0 } summary) nested["description"] = summary;
            return nested;
        }

        throw new NotSupportedException($"{type.FullName} has no JSON Schema mapping: add one to {nameof(EventSchemas)} before using it in a contract.");
    }

    /// <summary>
    /// An example of the event, built through its constructor and written by the real serializer, so the example is
    /// exactly what the wire carries for those values.
    /// </summary>
    public static JsonNode Example(Type type)
    {
        var instance = Build(type);
        return JsonSerializer.SerializeToNode(instance, type, OutboxMessage.ContractJson)!;
    }

    private static object Build(Type type)
    {
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var arguments = constructor.GetParameters().Select(p => ExampleValue(p.ParameterType, p.Name!, type.GetProperty(p.Name!))).ToArray();
        return constructor.Invoke(arguments);
    }

    private static object ExampleValue(Type type, string name, PropertyInfo? property)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (property?.GetCustomAttribute<OneOfAttribute>() is { } oneOf)
        {
            return type == typeof(string) ? oneOf.Values[0] : new List<string> { oneOf.Values[0] };
        }

        if (property?.GetCustomAttribute<RangeAttribute>() is { } range) return Convert.ToInt32(range.Maximum, CultureInfo.InvariantCulture) - 1;
        if (type == typeof(Guid)) return ExampleId(name);
        if (type == typeof(DateTimeOffset)) return new DateTimeOffset(2026, 11, 23, 9, 15, 2, 123, 456, TimeSpan.Zero);
        if (type == typeof(DateOnly)) return new DateOnly(2026, 11, 23);
        if (type == typeof(bool)) return false;
        if (type == typeof(int)) return name == "Version" ? 1 : 30;
        if (type == typeof(decimal)) return 12.5m;
        if (type == typeof(string)) return ExampleText(name);
        if (type == typeof(IReadOnlyList<Guid>)) return new List<Guid> { ExampleId(name + "1"), ExampleId(name + "2") };
        if (type == typeof(IReadOnlyList<string>)) return new List<string> { ExampleText(name) };
        return Build(type);
    }

    private static string ExampleText(string name) => name switch
    {
        _ when name.EndsWith("Country", StringComparison.Ordinal) || name == "Countries" => "HU",
        "Language" => "hu",
        "Licence" => "CC-BY-4.0",
        "NationalId" => "035221",
        "Name" => "Óbudai Árpád Gimnázium",
        "ChangedFields" => "name",
        _ => name.ToLowerInvariant(),
    };

    /// <summary>A UUID v7-shaped id that is the same on every run (the documents must not change when nothing did).</summary>
    private static Guid ExampleId(string name)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name));
        var hex = Convert.ToHexString(hash).ToLowerInvariant();
        return Guid.Parse($"019ab0c2-4a10-7{hex[..3]}-8{hex[3..6]}-{hex[6..18]}");
    }
}
