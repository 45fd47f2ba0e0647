using System.Runtime.CompilerServices;
using System.Text;

namespace MenSI.Registry.Imports;

/// <summary>
/// A streaming RFC 4180 reader: comma-separated, fields optionally in double quotes (a quote inside doubled, commas
/// and line breaks allowed inside quotes), CRLF or LF. Each record comes with the line it starts on.
/// </summary>
public static class CsvRecords
{
    public static async IAsyncEnumerable<(int Line, IReadOnlyList<string> Fields)> ReadAsync(TextReader reader,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var quoted = false;
        var fieldStarted = false;
        var buffer = new char[16 * 1024];
        int read;
        var pendingQuote = false; // a quote seen inside a quoted field: either the end of the quotes or the first of a pair

        while ((read = await reader.ReadAsync(buffer, cancellationToken)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                var c = buffer[i];
                if (pendingQuote)
                {
                    pendingQuote = false;
                    if (c == '"') { field.Append('"'); continue; }
                    quoted = false;
                }

                if (quoted)
                {
                    if (c == '"') pendingQuote = true;
                    else
                    {
                        if (c == '\n') line++;
                        field.Append(c);
                    }

                    continue;
                }

                switch (c)
                {
                    case '"' when !fieldStarted:
                        quoted = true;
                        fieldStarted = true;
                        break;
                    case ',':
                        fields.Add(field.ToString());
                        field.Clear();
                        fieldStarted = false;
                        break;
                    case '\r':
                        break;
                    case '\n':
                        fields.Add(field.ToString());
                        field.Clear();
                        fieldStarted = false;
                        if (fields.Count > 1 || fields[0].Length > 0) yield return (recordLine, fields.ToArray());
                        fields.Clear();
                        line++;
                        recordLine = line;
                        break;
                    default:
                        field.Append(c);
                        fieldStarted = true;
                        break;
                }
            }
        }

        if (quoted && !pendingQuote) throw new ImportFormatException($"A quoted field opened on line {recordLine} is never closed.");
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return (recordLine, fields.ToArray());
        }
    }
}
