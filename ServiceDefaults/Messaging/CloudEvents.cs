using MassTransit;
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
    public static void Stamp(SendHeaders headers, Guid eventId, Type eventType, DateTimeOffset time)
    {
        headers.Set(SpecVersion, "1.0");
        headers.Set(Id, eventId.ToString());
        headers.Set(Source, "/" + EventNames.Prefix + "/" + EventNames.ServiceOf(eventType));
        headers.Set(Type, EventNames.ExchangeFor(eventType));
        headers.Set(Time, time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", System.Globalization.CultureInfo.InvariantCulture));
        headers.Set(DataContentType, "application/json");
    }
}
