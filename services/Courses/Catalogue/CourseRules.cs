using MenSI.ServiceDefaults;
using MenSI.ServiceDefaults.Http;

namespace MenSI.Courses.Catalogue;

/// <summary>What makes a course, its outline and its quizzes valid, and when its status may change: pure rules.</summary>
public static class CourseRules
{
    public const int MaxTitleLength = 200;
    public const int MaxSummaryLength = 2000;
    public const int MaxModules = 50;
    public const int MaxLessonsPerModule = 50;
    public const int MaxReadingLength = 100_000;
    public const int MaxQuestions = 100;
    public const int MaxOptions = 10;
    public const int MaxTextLength = 2000;

    /// <summary>The EU's official languages (ISO 639-1): the languages a course or a run is taught in.</summary>
    public static readonly IReadOnlySet<string> Languages = new HashSet<string>(StringComparer.Ordinal)
    {
        "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv",
    };

    public static string? CheckLanguage(string? language, string field, IDictionary<string, string[]> errors)
    {
        var code = language?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(code)) errors[field] = ["Required: an ISO 639-1 code such as hu, pt or en."];
        else if (!Languages.Contains(code)) errors[field] = [$"Must be one of the EU's languages (ISO 639-1): {string.Join(", ", Languages.Order(StringComparer.Ordinal))}."];
        else return code;
        return null;
    }

    public static string? CheckText(string? value, string field, int maxLength, IDictionary<string, string[]> errors, bool required = true)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            if (required) errors[field] = ["Required."];
            return null;
        }

        if (text.Length > maxLength) errors[field] = [$"Must be at most {maxLength} characters."];
        return text;
    }

    public static void CheckUrl(string? value, string field, IDictionary<string, string[]> errors, bool required)
    {
        if (value is null)
        {
            if (required) errors[field] = ["Required: an http or https URL."];
            return;
        }

        if (!WebAddress.IsValid(value, 2000))
            errors[field] = ["Must be an absolute http or https URL (at most 2000 characters)."];
    }

    /// <summary>What a course needs before learners see it: modules, each with lessons, and at least one required lesson.</summary>
    public static RuleViolation? WhyNotPublish(Course course)
    {
        if (course.Status != CourseStatus.Draft) return new("course-not-draft", $"Only a draft course can be published; this one is {WireEnum.Name(course.Status)}.");
        if (course.Outline.Modules.Count == 0 || course.Outline.Modules.Any(m => m.Lessons.Count == 0))
            return new("outline-incomplete", "A course is published with at least one module, and every module with at least one lesson.", StatusCodes.Status422UnprocessableEntity);
        if (!course.Outline.Lessons.Any(l => l.Required))
            return new("no-completion-rule", "Mark at least one lesson as required: completing the required lessons (and passing the required quizzes) completes the course.", StatusCodes.Status422UnprocessableEntity);
        return null;
    }

    public static RuleViolation? WhyNotArchive(Course course) => course.Status == CourseStatus.Published ? null
        : new("course-not-published", $"Only a published course can be archived; this one is {WireEnum.Name(course.Status)}.");

    /// <summary>
    /// A published or archived course keeps every lesson it had (learners' progress and the drop-off funnel name them):
    /// wording, order and new lessons may change, removals may not.
    /// </summary>
    public static RuleViolation? WhyNotReplaceOutline(Course course, Outline next)
    {
        if (course.Status == CourseStatus.Draft) return null;
        var kept = next.Lessons.Select(l => l.Id).ToHashSet();
        var removed = course.Outline.Lessons.Where(l => !kept.Contains(l.Id)).Select(l => l.Id).ToList();
        var keptModules = next.Modules.Select(m => m.Id).ToHashSet();
        var removedModules = course.Outline.Modules.Where(m => !keptModules.Contains(m.Id)).Select(m => m.Id).ToList();
        return removed.Count == 0 && removedModules.Count == 0 ? null : new("published-lessons-stay",
            $"A published course keeps its modules and lessons (learners' progress names them); missing: {string.Join(", ", removedModules.Concat(removed))}.");
    }
}
