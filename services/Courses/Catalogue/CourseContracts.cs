using System.Text.Json.Serialization;
using MenSI.ServiceDefaults;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Text;

namespace MenSI.Courses.Catalogue;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CourseRequest(
    string? Title, string? Summary, string? Language, Audience? Audience, decimal? EstimatedHours, string? Licence, int? CredentialValidityMonths)
{
    public CourseDetails? ToDetails(IDictionary<string, string[]> errors)
    {
        var title = CourseRules.CheckText(Title, "title", CourseRules.MaxTitleLength, errors);
        var summary = CourseRules.CheckText(Summary, "summary", CourseRules.MaxSummaryLength, errors);
        var language = CourseRules.CheckLanguage(Language, "language", errors);
        if (Audience is null) errors["audience"] = [$"Required: one of {WireEnum.Values<Audience>()}."];
        if (EstimatedHours is not { } hours || hours is < 0.5m or > 500m || decimal.Round(hours, 1) != hours)
            errors["estimatedHours"] = ["Required: 0.5 to 500 hours, in steps of 0.1."];
        Licences.Check(Licence, "licence", errors);
        if (CredentialValidityMonths is < 1 or > 120) errors["credentialValidityMonths"] = ["Must be 1 to 120 months, or left out for credentials that never expire."];
        return errors.Count > 0 ? null : new CourseDetails(title!, summary!, language!, Audience!.Value, EstimatedHours!.Value, Licence!, CredentialValidityMonths);
    }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record OutlineRequest(IReadOnlyList<ModuleRequest>? Modules)
{
    /// <summary>
    /// The new outline: a module, lesson, question or option that names an id keeps it (that is how a lesson is moved
    /// or re-ordered without losing learners' progress); one without gets a new id. Ids must be unique.
    /// </summary>
    public Outline? ToOutline(Outline current, IDictionary<string, string[]> errors)
    {
        var modules = Modules ?? [];
        if (Modules is null) errors["modules"] = ["Required: the course's modules, in order (an empty list empties a draft)."];
        if (modules.Count > CourseRules.MaxModules) errors["modules"] = [$"At most {CourseRules.MaxModules} modules."];
        var known = current.Modules.Select(m => m.Id).Concat(current.Lessons.Select(l => l.Id)).ToHashSet();
        var seen = new HashSet<Guid>();
        var result = new List<Module>();
        for (var m = 0; m < modules.Count; m++)
        {
            var field = $"modules[{m}]";
            var module = modules[m];
            var title = CourseRules.CheckText(module.Title, $"{field}.title", CourseRules.MaxTitleLength, errors);
            var moduleId = Identify(module.Id, $"{field}.id", known, seen, errors);
            var lessons = module.Lessons ?? [];
            if (lessons.Count > CourseRules.MaxLessonsPerModule) errors[$"{field}.lessons"] = [$"At most {CourseRules.MaxLessonsPerModule} lessons per module."];
            var built = lessons.Select((l, i) => l.ToLesson($"{field}.lessons[{i}]", known, seen, errors)).ToList();
            result.Add(new Module(moduleId, title ?? "", [.. built.OfType<Lesson>()]));
        }

        return errors.Count > 0 ? null : new Outline(result);
    }

    /// <summary>An id given must be one the outline already has (ids are not chosen by clients); each id once.</summary>
    internal static Guid Identify(Guid? id, string field, IReadOnlySet<Guid>? known, HashSet<Guid> seen, IDictionary<string, string[]> errors)
    {
        if (id is not { } given) return Guid.CreateVersion7();
        if (known is not null && !known.Contains(given)) errors[field] = ["Unknown id: leave it out for a new item, or name one the outline has."];
        else if (!seen.Add(given)) errors[field] = ["Each id once."];
        return given;
    }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ModuleRequest(Guid? Id, string? Title, IReadOnlyList<LessonRequest>? Lessons);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record LessonRequest(
    Guid? Id, string? Title, LessonKind? Kind, int? EstimatedMinutes, bool? Required,
    string? VideoUrl, string? Reading, string? Assignment, string? DiscussionUrl, QuizRequest? Quiz)
{
    public Lesson? ToLesson(string field, IReadOnlySet<Guid> known, HashSet<Guid> seen, IDictionary<string, string[]> errors)
    {
        var count = errors.Count;
        var id = OutlineRequest.Identify(Id, $"{field}.id", known, seen, errors);
        var title = CourseRules.CheckText(Title, $"{field}.title", CourseRules.MaxTitleLength, errors);
        if (Kind is null) errors[$"{field}.kind"] = [$"Required: one of {WireEnum.Values<LessonKind>()}."];
        if (EstimatedMinutes is not (>= 1 and <= 600)) errors[$"{field}.estimatedMinutes"] = ["Required: 1 to 600 minutes."];
        CourseRules.CheckUrl(VideoUrl, $"{field}.videoUrl", errors, Kind == LessonKind.Video);
        CourseRules.CheckUrl(DiscussionUrl, $"{field}.discussionUrl", errors, Kind == LessonKind.Discussion);
        var reading = CourseRules.CheckText(Reading, $"{field}.reading", CourseRules.MaxReadingLength, errors, Kind == LessonKind.Reading);
        var assignment = CourseRules.CheckText(Assignment, $"{field}.assignment", CourseRules.MaxTextLength, errors, Kind == LessonKind.Assignment);
        Quiz? quiz = null;
        if (Kind == LessonKind.Quiz)
        {
            if (Quiz is null) errors[$"{field}.quiz"] = ["Required for a quiz lesson."];
            else quiz = Quiz.ToQuiz($"{field}.quiz", seen, errors);
        }
        else if (Quiz is not null) errors[$"{field}.quiz"] = ["Only quiz lessons have a quiz."];

        return errors.Count > count ? null : new Lesson(id, title!, Kind!.Value, EstimatedMinutes!.Value, Required ?? false,
            VideoUrl, reading, reading is null ? null : Markdown.ToSafeHtml(reading), assignment, DiscussionUrl, quiz);
    }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record QuizRequest(int? PassMarkPercent, int? MaxAttempts, IReadOnlyList<QuestionRequest>? Questions)
{
    public Quiz? ToQuiz(string field, HashSet<Guid> seen, IDictionary<string, string[]> errors)
    {
        var count = errors.Count;
        if (PassMarkPercent is not (>= 1 and <= 100)) errors[$"{field}.passMarkPercent"] = ["Required: 1 to 100 (the share of questions to get right)."];
        if (MaxAttempts is not (>= 1 and <= 20)) errors[$"{field}.maxAttempts"] = ["Required: 1 to 20 attempts."];
        var questions = Questions ?? [];
        if (questions.Count is 0 or > CourseRules.MaxQuestions) errors[$"{field}.questions"] = [$"1 to {CourseRules.MaxQuestions} questions."];
        var built = new List<Question>();
        for (var q = 0; q < questions.Count; q++)
        {
            var at = $"{field}.questions[{q}]";
            var question = questions[q];
            var id = OutlineRequest.Identify(question.Id, $"{at}.id", null, seen, errors);
            var text = CourseRules.CheckText(question.Text, $"{at}.text", CourseRules.MaxTextLength, errors);
            if (question.Kind is null) errors[$"{at}.kind"] = [$"Required: one of {WireEnum.Values<QuestionKind>()}."];
            var options = question.Options ?? [];
            if (options.Count is < 2 or > CourseRules.MaxOptions) errors[$"{at}.options"] = [$"2 to {CourseRules.MaxOptions} options."];
            var builtOptions = new List<AnswerOption>();
            for (var o = 0; o < options.Count; o++)
            {
                var optionId = OutlineRequest.Identify(options[o].Id, $"{at}.options[{o}].id", null, seen, errors);
                var optionText = CourseRules.CheckText(options[o].Text, $"{at}.options[{o}].text", CourseRules.MaxTextLength, errors);
                builtOptions.Add(new AnswerOption(optionId, optionText ?? "", options[o].Correct ?? false));
            }

            var correct = builtOptions.Count(o => o.Correct);
            if (question.Kind == QuestionKind.SingleChoice && correct != 1) errors[$"{at}.options"] = ["A single-choice question has exactly one correct option."];
            if (question.Kind == QuestionKind.MultipleChoice && correct == 0) errors[$"{at}.options"] = ["A multiple-choice question has at least one correct option."];
            built.Add(new Question(id, text ?? "", question.Kind ?? QuestionKind.SingleChoice, builtOptions));
        }

        return errors.Count > count ? null : new Quiz(PassMarkPercent!.Value, MaxAttempts!.Value, built);
    }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record QuestionRequest(Guid? Id, string? Text, QuestionKind? Kind, IReadOnlyList<OptionRequest>? Options);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record OptionRequest(Guid? Id, string? Text, bool? Correct);

public sealed record CourseListQuery(int? Page, int? PageSize, string? Status, string? Language, string? Audience);

/// <summary>A course as its authors see it: the outline with the quizzes' answer keys.</summary>
public sealed record CourseResponse(
    Guid Id, string Title, string Summary, string Language, Audience Audience, decimal EstimatedHours, string Licence, int? CredentialValidityMonths,
    CourseStatus Status, int TotalMinutes, Outline Outline, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? PublishedAt, int Version)
{
    public static CourseResponse Of(Course c) => new(c.Id, c.Title, c.Summary, c.Language, c.Audience, c.EstimatedHours, c.Licence, c.CredentialValidityMonths,
        c.Status, c.Outline.Lessons.Sum(l => l.EstimatedMinutes), c.Outline, c.CreatedAt, c.UpdatedAt, c.PublishedAt, c.Version);
}

/// <summary>A course as learners and the public see it: readings as sanitised HTML, quizzes without their answer keys.</summary>
public sealed record PublicCourseResponse(
    Guid Id, string Title, string Summary, string Language, Audience Audience, decimal EstimatedHours, string Licence, CourseStatus Status,
    int TotalMinutes, IReadOnlyList<PublicModule> Modules, DateTimeOffset? PublishedAt)
{
    public static PublicCourseResponse Of(Course c) => new(c.Id, c.Title, c.Summary, c.Language, c.Audience, c.EstimatedHours, c.Licence, c.Status,
        c.Outline.Lessons.Sum(l => l.EstimatedMinutes), [.. c.Outline.Modules.Select(PublicModule.Of)], c.PublishedAt);
}

public sealed record PublicModule(Guid Id, string Title, IReadOnlyList<PublicLesson> Lessons)
{
    public static PublicModule Of(Module m) => new(m.Id, m.Title, [.. m.Lessons.Select(PublicLesson.Of)]);
}

public sealed record PublicLesson(
    Guid Id, string Title, LessonKind Kind, int EstimatedMinutes, bool Required, string? VideoUrl, string? ReadingHtml, string? Assignment,
    string? DiscussionUrl, PublicQuiz? Quiz)
{
    public static PublicLesson Of(Lesson l) => new(l.Id, l.Title, l.Kind, l.EstimatedMinutes, l.Required, l.VideoUrl, l.ReadingHtml, l.Assignment,
        l.DiscussionUrl, l.Quiz is { } q ? PublicQuiz.Of(q) : null);
}

public sealed record PublicQuiz(int PassMarkPercent, int MaxAttempts, IReadOnlyList<PublicQuestion> Questions)
{
    public static PublicQuiz Of(Quiz q) => new(q.PassMarkPercent, q.MaxAttempts,
        [.. q.Questions.Select(x => new PublicQuestion(x.Id, x.Text, x.Kind, [.. x.Options.Select(o => new PublicOption(o.Id, o.Text))]))]);
}

public sealed record PublicQuestion(Guid Id, string Text, QuestionKind Kind, IReadOnlyList<PublicOption> Options);

public sealed record PublicOption(Guid Id, string Text);
