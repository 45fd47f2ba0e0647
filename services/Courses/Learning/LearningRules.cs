using MenSI.Courses.Catalogue;

namespace MenSI.Courses.Learning;

public sealed record Grade(int CorrectCount, int QuestionCount, int ScorePercent, bool Passed);

/// <summary>Grading, completion and the funnel's module states: pure functions of the outline and the learner's progress.</summary>
public static class LearningRules
{
    /// <summary>
    /// Grades on the server: a question is right when the chosen options are exactly its correct ones; an unanswered
    /// question is wrong. Answers naming a question or option the quiz does not have are refused before grading.
    /// </summary>
    public static Grade? GradeQuiz(Quiz quiz, IReadOnlyList<QuizAnswer> answers, IDictionary<string, string[]> errors)
    {
        var questions = quiz.Questions.ToDictionary(q => q.Id);
        var seen = new HashSet<Guid>();
        for (var i = 0; i < answers.Count; i++)
        {
            var answer = answers[i];
            if (!questions.TryGetValue(answer.QuestionId, out var question)) errors[$"answers[{i}].questionId"] = ["Not a question of this quiz."];
            else if (!seen.Add(answer.QuestionId)) errors[$"answers[{i}].questionId"] = ["Each question once."];
            else if (answer.OptionIds.Any(o => question.Options.All(x => x.Id != o))) errors[$"answers[{i}].optionIds"] = ["Not options of this question."];
            else if (answer.OptionIds.Distinct().Count() != answer.OptionIds.Count) errors[$"answers[{i}].optionIds"] = ["Each option once."];
            else if (question.Kind == QuestionKind.SingleChoice && answer.OptionIds.Count > 1) errors[$"answers[{i}].optionIds"] = ["A single-choice question takes one option."];
        }

        if (errors.Count > 0) return null;
        var chosen = answers.ToDictionary(a => a.QuestionId, a => a.OptionIds.ToHashSet());
        var correct = quiz.Questions.Count(q => chosen.TryGetValue(q.Id, out var picked) && picked.SetEquals(q.Options.Where(o => o.Correct).Select(o => o.Id)));
        var score = (int)Math.Floor(correct * 100m / quiz.Questions.Count);
        return new Grade(correct, quiz.Questions.Count, score, score >= quiz.PassMarkPercent);
    }

    /// <summary>The course's completion rule: every required lesson completed (a required quiz completes only by passing).</summary>
    public static bool IsComplete(Outline outline, IReadOnlySet<Guid> completedLessons) =>
        outline.Lessons.Where(l => l.Required).All(l => completedLessons.Contains(l.Id));

    public static bool HasStarted(Module module, IReadOnlySet<Guid> touchedLessons) => module.Lessons.Any(l => touchedLessons.Contains(l.Id));

    public static bool HasFinished(Module module, IReadOnlySet<Guid> completedLessons) => module.FinishingLessons.All(l => completedLessons.Contains(l.Id));
}
