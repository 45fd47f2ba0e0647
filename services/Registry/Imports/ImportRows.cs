using System.Runtime.CompilerServices;
using System.Text.Json;

namespace MenSI.Registry.Imports;

/// <summary>One row of a national registry file, as text: validation turns it into a school or into reasons.</summary>
public sealed record ImportRow(int Line, IReadOnlyDictionary<string, string?> Fields, IReadOnlyList<string> UnknownFields)
{
    public string? this[string field] => Fields.TryGetValue(field, out var value) ? value : null;
}

/// <summary>Thrown when the file as a whole cannot be read (no header, broken JSON): a 400 before any row is applied.</summary>
public sealed class ImportFormatException(string message) : Exception(message);

/// <summary>
/// Streams rows from CSV (header row; lists separated by ';') or JSON (an array of objects; lists as arrays), one at a
/// time, so a 250,000-row file never sits in memory. For CSV, <see cref="ImportRow.Line"/> is the line in the file
/// (the header is line 1); for JSON, the position of the object in the array (from 1).
/// </summary>
public static class ImportRows
{
    public static readonly IReadOnlyList<string> Columns =
        ["nationalId", "nationalIdScheme", "name", "region", "city", "website", "erasmusOid", "educationLevels", "pupils", "teachers", "languages"];

    public static async IAsyncEnumerable<ImportRow> ReadCsvAsync(Stream body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body);
        string[]? header = null;
        await foreach (var (line, values) in CsvRecords.ReadAsync(reader, cancellationToken))
        {
            if (header is null)
            {
                header = values.Select(v => v.Trim()).ToArray();
                var unknown = header.Where(h => !Columns.Contains(h)).ToList();
                if (unknown.Count > 0) throw new ImportFormatException($"Unknown columns: {string.Join(", ", unknown)}. The columns are {string.Join(", ", Columns)}.");
                if (!header.Contains("nationalId") || !header.Contains("name")) throw new ImportFormatException("The columns nationalId and name are required.");
                continue;
            }

            var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
            for (var i = 0; i < header.Length; i++) fields[header[i]] = i < values.Count && values[i].Trim() is { Length: > 0 } value ? value : null;
            yield return new ImportRow(line, fields, values.Count > header.Length ? [$"(column {header.Length + 1}: more fields than columns)"] : []);
        }

        if (header is null) throw new ImportFormatException("The CSV file has no header row.");
    }

    public static async IAsyncEnumerable<ImportRow> ReadJsonAsync(Stream body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var line = 0;
        IAsyncEnumerable<JsonElement> elements;
        try
        {
            elements = JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(body, cancellationToken: cancellationToken);
        }
        catch (JsonException e)
        {
            throw new ImportFormatException($"The JSON is malformed: {e.Message}");
        }

        await using var enumerator = elements.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await enumerator.MoveNextAsync()) yield break;
            }
            catch (JsonException e)
            {
                throw new ImportFormatException($"The JSON is malformed after row {line}: it must be an array of objects ({e.Message}).");
            }

            line++;
            var element = enumerator.Current;
            if (element.ValueKind != JsonValueKind.Object)
            {
                yield return new ImportRow(line, new Dictionary<string, string?>(), ["(row is not an object)"]);
                continue;
            }

            var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
            var unknown = new List<string>();
            foreach (var property in element.EnumerateObject())
            {
                if (!Columns.Contains(property.Name)) unknown.Add(property.Name);
                else fields[property.Name] = AsText(property.Value);
            }

            yield return new ImportRow(line, fields, unknown);
        }
    }

    /// <summary>JSON values as the CSV would have them: arrays joined with ';', numbers as written, null as absent.</summary>
    private static string? AsText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Array => string.Join(';', value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText())),
        _ => value.GetRawText(),
    };
}
