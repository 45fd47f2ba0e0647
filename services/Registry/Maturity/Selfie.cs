using MenSI.Contracts.Registry;

namespace MenSI.Registry.Maturity;

/// <summary>The arithmetic on SELFIE scores, and parsing them from a request (the areas are the contract's).</summary>
public static class Selfie
{
    public static IReadOnlyList<string> Areas => SelfieScores.Areas;

    public static IReadOnlyList<int> Values(SelfieScores s) => s.Values();

    public static double Mean(SelfieScores scores) => (double)scores.Mean();

    public static IReadOnlyDictionary<string, int> Change(SelfieScores first, SelfieScores latest)
    {
        var before = Values(first);
        var after = Values(latest);
        return Areas.Select((area, i) => (area, i)).ToDictionary(a => a.area, a => after[a.i] - before[a.i]);
    }

    /// <summary>All eight areas, each 1 to 5, and nothing else; null (with errors) otherwise.</summary>
    public static SelfieScores? Parse(IReadOnlyDictionary<string, int?>? scores, IDictionary<string, string[]> errors)
    {
        if (scores is null)
        {
            errors["scores"] = [$"Required: a score 1 to 5 for each of {string.Join(", ", Areas)}."];
            return null;
        }

        foreach (var unknown in scores.Keys.Where(k => !Areas.Contains(k)))
            errors[$"scores.{unknown}"] = [$"Not a SELFIE area; the areas are {string.Join(", ", Areas)}."];
        var values = new int[Areas.Count];
        for (var i = 0; i < Areas.Count; i++)
        {
            if (!scores.TryGetValue(Areas[i], out var value) || value is null) errors[$"scores.{Areas[i]}"] = ["Required: 1 to 5."];
            else if (value is < 1 or > 5) errors[$"scores.{Areas[i]}"] = ["Must be 1 to 5."];
            else values[i] = value.Value;
        }

        return errors.Keys.Any(k => k.StartsWith("scores", StringComparison.Ordinal))
            ? null
            : new SelfieScores(values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7]);
    }
}
