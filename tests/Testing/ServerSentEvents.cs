using System.Text.Json;

namespace MenSI.Testing;

/// <summary>Reads a <c>text/event-stream</c> the way a browser's EventSource does, one event at a time.</summary>
public static class ServerSentEvents
{
    /// <summary>The next event that is not a ping: its type and its data as JSON.</summary>
    public static async Task<(string Type, JsonElement Data)> NextEventAsync(this StreamReader stream, CancellationToken ct)
    {
        string? type = null;
        while (await stream.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) type = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && type is not "ping") return (type ?? "message", JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone());
        }

        throw new EndOfStreamException("The event stream ended.");
    }
}
