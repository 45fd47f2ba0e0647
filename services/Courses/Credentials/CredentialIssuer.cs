using MenSI.Courses.Catalogue;
using MenSI.Courses.Learning;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MenSI.Courses.Credentials;

/// <summary>Issues a completion's credential, in the transaction that completes the enrolment: both happen, or neither.</summary>
public sealed class CredentialIssuer(CoursesDbContext db, IssuerKeyRing keys, BadgeUrls urls, IOptions<BadgeOptions> options)
{
    public async Task<Credential> IssueAsync(Enrolment enrolment, Course course, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // JWT times are whole seconds: the stored times are too, so the document and the claims agree.
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        var statusIndex = await db.Database
            .SqlQueryRaw<long>($"SELECT nextval('{CredentialConfiguration.StatusIndexSequence}') AS \"Value\"").SingleAsync(cancellationToken);
        var draft = new Credential
        {
            Id = Guid.CreateVersion7(now), CourseId = course.Id, RunId = enrolment.RunId, EnrolmentId = enrolment.Id, StatusIndex = statusIndex,
            IssuedAt = issuedAt, ExpiresAt = course.CredentialValidityMonths is { } months ? issuedAt.AddMonths(months) : null,
        };
        var (kid, key) = await keys.SigningKeyAsync(cancellationToken);
        var jwt = Jws.Sign(OpenBadges.CredentialPayload(draft, course, enrolment.RecipientHash!, enrolment.RecipientSalt!, urls, options.Value), key, kid);
        var credential = new Credential
        {
            Id = draft.Id, CourseId = draft.CourseId, RunId = draft.RunId, EnrolmentId = draft.EnrolmentId, StatusIndex = draft.StatusIndex,
            IssuedAt = draft.IssuedAt, ExpiresAt = draft.ExpiresAt, Jwt = jwt, Digest = Jws.Digest(jwt),
        };
        db.Credentials.Add(credential);
        return credential;
    }
}
