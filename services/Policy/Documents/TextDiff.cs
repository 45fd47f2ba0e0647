namespace MenSI.Policy.Documents;

/// <summary>One line of a line diff: <c>=</c> kept, <c>-</c> only in the older text, <c>+</c> only in the newer.</summary>
public sealed record LineChange(string Op, string Text);

/// <summary>
/// A line diff by longest common subsequence: the readable kind a policy maker compares two versions with. Quadratic in
/// lines, which is fine for documents capped at 50,000 characters (a few hundred lines).
/// </summary>
public static class TextDiff
{
    public static IReadOnlyList<LineChange> Lines(string older, string newer)
    {
        var a = older.ReplaceLineEndings("\n").Split('\n');
        var b = newer.ReplaceLineEndings("\n").Split('\n');
        var common = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
                common[i, j] = a[i] == b[j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
        }

        var changes = new List<LineChange>();
        int x = 0, y = 0;
        while (x < a.Length && y < b.Length)
        {
            if (a[x] == b[y]) { changes.Add(new("=", a[x])); x++; y++; }
            else if (common[x + 1, y] >= common[x, y + 1]) changes.Add(new("-", a[x++]));
            else changes.Add(new("+", b[y++]));
        }

        while (x < a.Length) changes.Add(new("-", a[x++]));
        while (y < b.Length) changes.Add(new("+", b[y++]));
        return changes;
    }
}
