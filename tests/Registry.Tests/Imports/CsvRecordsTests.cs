using MenSI.Registry.Imports;
using Xunit;

namespace MenSI.Registry.Tests.Imports;

public class CsvRecordsTests
{
    private static async Task<List<(int Line, IReadOnlyList<string> Fields)>> ReadAsync(string csv)
    {
        var records = new List<(int, IReadOnlyList<string>)>();
        await foreach (var record in CsvRecords.ReadAsync(new StringReader(csv), CancellationToken.None)) records.Add(record);
        return records;
    }

    [Fact]
    public async Task Quotes_commas_line_breaks_and_doubled_quotes_inside_fields()
    {
        var records = await ReadAsync("a,b,c\r\n1,\"Escola \"\"Nova\"\", Lisboa\",x\n2,\"two\nlines\",\n\n3,last,y");

        Assert.Equal([1, 2, 3, 6], records.Select(r => r.Line));
        Assert.Equal(["1", "Escola \"Nova\", Lisboa", "x"], records[1].Fields);
        Assert.Equal(["2", "two\nlines", ""], records[2].Fields);
        Assert.Equal(["3", "last", "y"], records[3].Fields);
    }

    [Fact]
    public async Task An_unclosed_quote_is_a_format_error() =>
        await Assert.ThrowsAsync<ImportFormatException>(() => ReadAsync("a,b\n1,\"never closed\n"));
}
