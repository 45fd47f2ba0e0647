using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using MenSI.Contracts;

namespace MenSI.ServiceDefaults.Messaging;

/// <summary>
/// CloudEvents 1.0 attributes as AMQP application properties, named as the CloudEvents AMQP binding names them
/// (<c>cloudEvents:id</c>, ...), so a ministry system reads them with any AMQP client. The payload itself stays plain JSON.
/// </summary>
public static class CloudEvents
{
    public const string Prefix = "cloudEvents:";
    public const string Id = Prefix + "id";
    public const string Source = Prefix + "source";
    public const string Type = Prefix + "type";
    public const string SpecVersion = Prefix + "specversion";
    public const string Time = Prefix + "time";
    public const string DataContentType = Prefix + "datacontenttype";

    /// <summary>Source and type come from the contract, as its exchange name does: <c>/mensi/registry</c>, <c>mensi.registry.school-registered</c>.</summary>
    public static Dictionary<string, object?> Attributes(Guid eventId, System.Type eventType, DateTimeOffset time) => new()
    {
        [SpecVersion] = "1.0",
        [Id] = eventId.ToString(),
        [Source] = "/" + EventNames.Prefix + "/" + EventNames.ServiceOf(eventType),
        [Type] = EventNames.ExchangeFor(eventType),
        [Time] = EventTime.Format(time),
        [DataContentType] = "application/json",
    };
}

/// <summary>
/// The one format of an event's time, in its body (<c>occurredAt</c>) and its <c>cloudEvents:time</c>: UTC, microseconds
/// (what PostgreSQL keeps, so a time read back from the outbox is the same instant), RFC 3339 with <c>Z</c>.
/// </summary>
public static class EventTime
{
    private const string Pattern = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    public static DateTimeOffset Normalize(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % 10, TimeSpan.Zero);
    }

    public static string Format(DateTimeOffset time) => Normalize(time).UtcDateTime.ToString(Pattern, CultureInfo.InvariantCulture);

    internal sealed class Converter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, System.Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetDateTimeOffset();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Format(value));
    }
}
