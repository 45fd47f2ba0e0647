using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using MenSI.ServiceDefaults;

namespace MenSI.Courses.Learning;

public enum ProgressState { Started, Completed }

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record EnrolRequest(string? BadgeEmail)
{
    /// <summary>
    /// The email the badge is issued to, kept only as an Open Badges identity hash with a fresh salt: the platform can
    /// put it in the credential, and the holder can prove it is theirs, but the email itself is never stored.
    /// </summary>
    public (string Hash, string Salt)? ToRecipient(IDictionary<string, string[]> errors)
    {
        var email = BadgeEmail?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(email) || !EmailAddresses.IsValid(email))
        {
            errors["badgeEmail"] = ["Required: the email your badge is issued to (stored only as a salted hash)."];
            return null;
        }

        return Recipient(email, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
    }

    public static (string Hash, string Salt) Recipient(string email, string salt) =>
        ("sha256$" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email + salt))), salt);
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ProgressRequest(ProgressState? State);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record AttemptRequest(IReadOnlyList<AnswerRequest>? Answers);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record AnswerRequest(Guid? QuestionId, IReadOnlyList<Guid>? OptionIds);

public sealed record LessonProgressResponse(Guid LessonId, Guid ModuleId, DateTimeOffset StartedAt, DateTimeOffset? CompletedAt);

/// <summary>An enrolment with its progress, as its learner (and course authors) see it.</summary>
public sealed record EnrolmentResponse(
    Guid Id, Guid CourseId, Guid RunId, EnrolmentStatus Status, int? WaitingPosition, DateTimeOffset RequestedAt, DateTimeOffset? EnrolledAt,
    DateTimeOffset? WithdrawnAt, DateTimeOffset? CompletedAt, Guid? CredentialId, int RequiredLessons, int RequiredLessonsDone,
    IReadOnlyList<LessonProgressResponse> Progress);

/// <summary>The outcome of an attempt: the score, never which options were right.</summary>
public sealed record AttemptResponse(
    Guid Id, Guid LessonId, int Number, int CorrectCount, int QuestionCount, int ScorePercent, bool Passed, int AttemptsLeft,
    EnrolmentStatus EnrolmentStatus, Guid? CredentialId, DateTimeOffset SubmittedAt);
