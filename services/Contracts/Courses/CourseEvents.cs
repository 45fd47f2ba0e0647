namespace MenSI.Contracts.Courses;

/// <summary>A run (cohort) of a published course opened for enrolment. Exchange <c>mensi.courses.course-run-published</c>.</summary>
/// <remarks>Learners can enrol from <c>enrolmentOpensOn</c> to <c>enrolmentClosesOn</c>.</remarks>
/// <param name="CourseId">The course's id (UUID v7).</param>
/// <param name="RunId">The run's id (UUID v7).</param>
/// <param name="Language">The run's teaching language (ISO 639-1, such as hu or pt).</param>
/// <param name="StartsOn">First day of the run.</param>
/// <param name="EndsOn">Last day of the run.</param>
/// <param name="EnrolmentOpensOn">First day learners can enrol.</param>
/// <param name="EnrolmentClosesOn">Last day learners can enrol.</param>
/// <param name="Capacity">Places; learners beyond it wait in order for a freed place.</param>
/// <param name="ModuleIds">The course's modules at publication, in order: the steps of the drop-off funnel.</param>
public sealed record CourseRunPublished(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid CourseId,
    Guid RunId,
    string Language,
    DateOnly StartsOn,
    DateOnly EndsOn,
    DateOnly EnrolmentOpensOn,
    DateOnly EnrolmentClosesOn,
    int Capacity,
    IReadOnlyList<Guid> ModuleIds) : IIntegrationEvent;

/// <summary>
/// A learner took a place in a run: at enrolment, or when a freed place promoted them from the waiting list (joining
/// the waiting list is not an enrolment). Exchange <c>mensi.courses.learner-enrolled</c>. Carries no learner id, name or
/// email: the school the learner teaches at (from their account, when they named one) is what analytics group by.
/// </summary>
/// <remarks>Joining the waiting list publishes nothing. Counting these per run gives the run's enrolments, withdrawn learners included.</remarks>
/// <param name="EnrolmentId">The enrolment's id (UUID v7): <c>CourseCompleted</c> names the same id.</param>
/// <param name="SchoolId">The Registry's id of the learner's school; null when the learner's account names none.</param>
/// <param name="FromWaitingList">True when a freed place promoted the learner.</param>
public sealed record LearnerEnrolled(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid EnrolmentId,
    Guid CourseId,
    Guid RunId,
    Guid? SchoolId,
    bool FromWaitingList) : IIntegrationEvent;

/// <summary>
/// A learner met the course's completion rule and was awarded its Open Badges 3.0 credential. Exchange
/// <c>mensi.courses.course-completed</c>.
/// </summary>
/// <remarks>The rule: every required lesson done, every required quiz passed. An enrolment completes at most once.</remarks>
/// <param name="EnrolmentId">The enrolment that completed (as in <c>LearnerEnrolled</c>).</param>
/// <param name="CredentialId">The credential's id; its verification answers at <c>/api/v1/badges/credentials/{id}/verification</c>.</param>
/// <param name="CompletedOn">The day the rule was met.</param>
/// <param name="SchoolId">As in <c>learner-enrolled</c>.</param>
public sealed record CourseCompleted(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid EnrolmentId,
    Guid CourseId,
    Guid RunId,
    Guid? SchoolId,
    Guid CredentialId,
    DateOnly CompletedOn) : IIntegrationEvent;

/// <summary>
/// A course joined the public catalogue: anyone can read it, and its runs can open for enrolment. Exchange
/// <c>mensi.courses.course-published</c>.
/// </summary>
/// <remarks>A course is published once; what changes later is announced by <c>course-revised</c>, its end by <c>course-archived</c>.</remarks>
/// <param name="CourseId">The course's id (UUID v7).</param>
/// <param name="Title">The course's title.</param>
/// <param name="Language">The course's language (ISO 639-1, such as en or hu).</param>
/// <param name="Audience">Who the course is for.</param>
/// <param name="ModuleIds">The course's modules, in order.</param>
public sealed record CoursePublished(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid CourseId,
    string Title,
    string Language,
    [property: OneOf("teachers", "school-leaders", "mentors", "policy-makers")] string Audience,
    IReadOnlyList<Guid> ModuleIds) : IIntegrationEvent;

/// <summary>
/// What anyone reads of a published (or archived) course changed: its description, or its outline (wording, order and
/// new lessons; a published course never loses a lesson). Exchange <c>mensi.courses.course-revised</c>.
/// </summary>
/// <param name="CourseId">The course's id (UUID v7).</param>
/// <param name="Change">What changed: <c>details</c> (title, summary, audience, ...) or <c>outline</c>.</param>
/// <param name="ModuleIds">The course's modules after the change, in order.</param>
public sealed record CourseRevised(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid CourseId,
    [property: OneOf("details", "outline")] string Change,
    IReadOnlyList<Guid> ModuleIds) : IIntegrationEvent;

/// <summary>
/// A published course left the catalogue: no new run opens; learners keep their progress and credentials. Exchange
/// <c>mensi.courses.course-archived</c>.
/// </summary>
/// <param name="CourseId">The course's id (UUID v7).</param>
public sealed record CourseArchived(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid CourseId) : IIntegrationEvent;
