using MenSI.ServiceDefaults.Http;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace MenSI.Registry.Imports;

/// <summary>
/// One row of a national registry file, as text: validation turns it into a school or into reasons. <see cref="Invalid"/>
/// holds the fields that could not even be read as text of their kind (a JSON number where a name belongs, say).
/// </summary>
public sealed record ImportRow(int Line, IReadOnlyDictionary<string, string?> Fields, IReadOnlyList<string> UnknownFields,
    IReadOnlyDictionary<string, string>? InvalidFields = null)
{
    public IReadOnlyDictionary<string, string> Invalid => InvalidFields ?? new Dictionary<string, string>();

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

    public static readonly IReadOnlySet<string> ListColumns = new HashSet<string> { "educationLevels", "languages" };
    public static readonly IReadOnlySet<string> NumberColumns = new HashSet<string> { "pupils", "teachers" };

    /// <summary>
    /// CSV in UTF-8 (a byte-order mark is allowed). Bytes that are not UTF-8, as a Windows-1250 or Latin-1 export has
    /// them, stop the import with the line they follow, instead of becoming replacement characters in school names.
    /// </summary>
    public static async IAsyncEnumerable<ImportRow> ReadCsvAsync(Stream body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true));
        string[]? header = null;
        var lastLine = 0;
        await using var records = CsvRecords.ReadAsync(reader, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await records.MoveNextAsync()) break;
            }
            catch (System.Text.DecoderFallbackException)
            {
                throw new ImportFormatException($"The file is not UTF-8: bytes after line {lastLine} are not valid UTF-8. Save or convert it as UTF-8 " +
                                                "(an export in Windows-1250 or ISO-8859-2, for example, must be converted first).");
            }

            var (line, values) = records.Current;
            lastLine = line;
            if (header is null)
            {
                header = values.Select(v => v.Trim()).ToArray();
                var unknown = header.Where(h => !Columns.Contains(h)).ToList();
                if (unknown.Count > 0) throw new ImportFormatException($"Unknown columns: {string.Join(", ", unknown)}. The columns are {string.Join(", ", Columns)}.");
                if (!header.Contains("nationalId") || !header.Contains("name")) throw new ImportFormatException("The columns nationalId and name are required.");
                continue;
            }

            var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
            var invalid = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Length; i++)
            {
                var value = i < values.Count && values[i].Trim() is { Length: > 0 } given ? given : null;
                if (value?.Contains('\0') == true) invalid[header[i]] = InputGuard.NulMessage;
                else fields[header[i]] = value;
            }

            yield return new ImportRow(line, fields, values.Count > header.Length ? [$"(column {header.Length + 1}: more fields than columns)"] : [], invalid);
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
            var invalid = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                if (!Columns.Contains(property.Name)) unknown.Add(property.Name);
                else if (fields.ContainsKey(property.Name) || invalid.ContainsKey(property.Name)) invalid[property.Name] = "Given twice in the object.";
                else if (AsText(property.Name, property.Value, out var text) is { } why) invalid[property.Name] = why;
                else fields[property.Name] = text;
            }

            yield return new ImportRow(line, fields, unknown, invalid);
        }
    }

    /// <summary>
    /// A JSON value as the CSV would have it (lists joined with ';', numbers as written, null as absent), if it is of the
    /// column's kind: text a string, counts a number, lists an array of strings. Returns why not, otherwise null.
    /// </summary>
    private static string? AsText(string column, JsonElement value, out string? text)
    {
        text = null;
        if (value.ValueKind == JsonValueKind.Null) return null;
        try
        {
            if (ListColumns.Contains(column))
            {
                if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String)) return "Must be an array of strings.";
                text = string.Join(';', value.EnumerateArray().Select(v => v.GetString()));
            }
            else if (NumberColumns.Contains(column))
            {
                if (value.ValueKind != JsonValueKind.Number) return "Must be a number.";
                text = value.GetRawText();
            }
            else
            {
                if (value.ValueKind != JsonValueKind.String) return "Must be a string.";
                text = value.GetString();
            }
        }
        catch (InvalidOperationException)
        {
            return "Must be valid Unicode text (the value holds a lone surrogate).";
        }

        return text?.Contains('\0') == true ? InputGuard.NulMessage : null;
    }
}
