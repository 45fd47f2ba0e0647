using MenSI.Courses.Catalogue;
using MenSI.Courses.Credentials;
using MenSI.Courses.Learning;
using MenSI.ServiceDefaults.Text;
using Xunit;

namespace MenSI.Courses.Tests.Rules;

public class LearningRulesTests
{
    private static readonly AnswerOption Yes = new(Guid.NewGuid(), "Yes", true), No = new(Guid.NewGuid(), "No", false);
    private static readonly AnswerOption A = new(Guid.NewGuid(), "A", true), B = new(Guid.NewGuid(), "B", true), C = new(Guid.NewGuid(), "C", false);
    private static readonly Question Single = new(Guid.NewGuid(), "One?", QuestionKind.SingleChoice, [Yes, No]);
    private static readonly Question Multiple = new(Guid.NewGuid(), "Which?", QuestionKind.MultipleChoice, [A, B, C]);
    private static readonly Quiz Quiz = new(100, 3, [Single, Multiple]);

    [Fact]
    public void A_question_is_right_only_with_exactly_its_correct_options()
    {
        var errors = new Dictionary<string, string[]>();
        Assert.Equal(new Grade(2, 2, 100, true), LearningRules.GradeQuiz(Quiz, [new(Single.Id, [Yes.Id]), new(Multiple.Id, [A.Id, B.Id])], errors));
        Assert.Equal(new Grade(1, 2, 50, false), LearningRules.GradeQuiz(Quiz, [new(Single.Id, [Yes.Id]), new(Multiple.Id, [A.Id])], errors));
        Assert.Equal(new Grade(1, 2, 50, false), LearningRules.GradeQuiz(Quiz, [new(Single.Id, [Yes.Id]), new(Multiple.Id, [A.Id, B.Id, C.Id])], errors));
        Assert.Equal(new Grade(0, 2, 0, false), LearningRules.GradeQuiz(Quiz, [], errors));
        Assert.Empty(errors);
    }

    [Fact]
    public void Answers_naming_what_the_quiz_does_not_have_are_refused_not_graded()
    {
        var errors = new Dictionary<string, string[]>();
        Assert.Null(LearningRules.GradeQuiz(Quiz, [new(Guid.NewGuid(), [Yes.Id]), new(Single.Id, [A.Id]), new(Multiple.Id, [A.Id, A.Id])], errors));
        Assert.Equal(["answers[0].questionId", "answers[1].optionIds", "answers[2].optionIds"], errors.Keys.Order());
        errors.Clear();
        Assert.Null(LearningRules.GradeQuiz(Quiz, [new(Single.Id, [Yes.Id, No.Id])], errors));
        Assert.Contains("single-choice", errors["answers[0].optionIds"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_course_completes_when_every_required_lesson_is_done_and_a_module_finishes_on_its_required_lessons()
    {
        var required = new Lesson(Guid.NewGuid(), "R", LessonKind.Reading, 5, true);
        var optional = new Lesson(Guid.NewGuid(), "O", LessonKind.Video, 5, false);
        var module = new Module(Guid.NewGuid(), "M", [required, optional]);
        var outline = new Outline([module]);
        Assert.False(LearningRules.IsComplete(outline, new HashSet<Guid> { optional.Id }));
        Assert.True(LearningRules.IsComplete(outline, new HashSet<Guid> { required.Id }));
        Assert.True(LearningRules.HasStarted(module, new HashSet<Guid> { optional.Id }));
        Assert.False(LearningRules.HasFinished(module, new HashSet<Guid> { optional.Id }));
        Assert.True(LearningRules.HasFinished(module, new HashSet<Guid> { required.Id }));
    }

    [Fact]
    public void The_status_list_sets_exactly_the_revoked_bits_as_a_verifier_reads_them()
    {
        var encoded = StatusList.Encode([0, 7, 8, 131_071]);
        Assert.StartsWith("u", encoded, StringComparison.Ordinal);
        foreach (var index in new[] { 0, 7, 8, 131_071 }) Assert.True(StatusList.IsSet(encoded, index));
        foreach (var index in new[] { 1, 6, 9, 131_070 }) Assert.False(StatusList.IsSet(encoded, index));
        Assert.Equal((2L, 5), StatusList.Locate(StatusList.Size + 5));
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>")]
    [InlineData("<svg onload=alert(1)>")]
    [InlineData("<iframe src=\"https://evil.example\"></iframe>")]
    [InlineData("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")]
    [InlineData("<div style=\"background:url(javascript:alert(1))\">x</div>")]
    [InlineData("<form action=\"https://evil.example\"><input name=p></form>")]
    public void Readings_lose_every_script_handler_and_dangerous_link(string markdown)
    {
        var html = Markdown.ToSafeHtml(markdown).ToLowerInvariant();
        foreach (var forbidden in new[] { "<script", "onerror", "onload", "javascript:", "data:text", "<iframe", "style=", "<form", "<input" })
        {
            Assert.DoesNotContain(forbidden, html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Readings_keep_their_formatting_and_links_that_leave_safely()
    {
        var html = Markdown.ToSafeHtml("# Title\n\n**bold** and [MenSI](https://mensi.eun.org)");
        Assert.Contains("<h1", html, StringComparison.Ordinal);
        Assert.Contains("<strong>bold</strong>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://mensi.eun.org\"", html, StringComparison.Ordinal);
        Assert.Contains("rel=\"noopener noreferrer nofollow\"", html, StringComparison.Ordinal);
    }
}
