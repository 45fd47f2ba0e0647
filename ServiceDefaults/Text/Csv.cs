namespace MenSI.ServiceDefaults.Text;

public static class Csv
{
    /// <summary>
    /// A text field of a CSV export: quoted, inner quotes doubled, and a leading =, +, - or @ defused with an apostrophe
    /// (a spreadsheet would run it as a formula).
    /// </summary>
    public static string Text(string value) =>
        "\"" + (value.Length > 0 && "=+-@".Contains(value[0], StringComparison.Ordinal) ? "'" + value : value).Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
