namespace MenSI.Community.Threads;

public static class ThreadRules
{
    public const int MaxTitleLength = 200, MaxBodyLength = 20_000, MaxTags = 8, MaxTagLength = 40;

    /// <summary>The network's languages (ISO 639-1): what a thread is written in, and what search stems for.</summary>
    public static readonly IReadOnlySet<string> Languages = new HashSet<string>(StringComparer.Ordinal) { "nl", "hr", "cs", "hu", "it", "pt", "en" };

    public static string? CheckLanguage(string? value, IDictionary<string, string[]> errors, string field = "language")
    {
        var code = value?.Trim().ToLowerInvariant();
        if (code is not null && Languages.Contains(code)) return code;
        errors[field] = [$"Required: one of the network's languages ({string.Join(", ", Languages)})."];
        return null;
    }

    public static string? CheckBody(string? body, IDictionary<string, string[]> errors)
    {
        var text = body?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > MaxBodyLength) errors["body"] = [$"Required: Markdown, 1 to {MaxBodyLength} characters."];
        return text;
    }

    public static List<string> CheckTags(IReadOnlyList<string>? tags, IDictionary<string, string[]> errors)
    {
        var cleaned = (tags ?? []).Select(t => t?.Trim().ToLowerInvariant() ?? "").ToList();
        if (cleaned.Count > MaxTags) errors["tags"] = [$"At most {MaxTags} tags."];
        for (var i = 0; i < cleaned.Count; i++)
        {
            if (cleaned[i].Length is 0 or > MaxTagLength) errors[$"tags[{i}]"] = [$"1 to {MaxTagLength} characters."];
        }

        return [.. cleaned.Distinct(StringComparer.Ordinal)];
    }
}
