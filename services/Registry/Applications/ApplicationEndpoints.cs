using MenSI.ServiceDefaults.Data;
using System.Text.Json.Serialization;
using MenSI.Registry.Contacts;
using MenSI.Registry.Membership;
using MenSI.Registry.Schools;
using MenSI.ServiceDefaults;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Messaging;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Registry.Applications;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ApplicationContactRequest
{
    public string? Name { get; init; }
    public string? Email { get; init; }
    public string? Function { get; init; }
    /// <summary>Must be true: the person agrees to be contacted about the application.</summary>
    public bool? Consent { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ApplicationRequest : SchoolProfileRequest
{
    public string? Country { get; init; }
    public string? NationalId { get; init; }
    public string? Motivation { get; init; }
    /// <summary>mentor or mentee.</summary>
    public NetworkRole? RequestedRole { get; init; }
    public ApplicationContactRequest? Contact { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record DecisionRequest(ApplicationDecision? Decision, string? Reason);

public sealed record ApplicationResponse(Guid Id, string Country, string NationalId, SchoolProfile School, string Motivation, NetworkRole RequestedRole,
    string? ContactName, string? ContactEmail, string? ContactFunction, ApplicationStatus Status, string? DecisionReason, string? DecidedBy,
    DateTimeOffset? DecidedAt, DateTimeOffset SubmittedAt, Guid? SchoolId)
{
    public static ApplicationResponse Of(SchoolApplication a) => new(a.Id, a.Country, a.NationalId, a.Profile, a.Motivation, a.RequestedRole,
        a.ContactName, a.ContactEmail, a.ContactFunction, a.Status, a.DecisionReason, a.DecidedBy, a.DecidedAt, a.SubmittedAt, a.SchoolId);
}

/// <summary>What an applicant sees back: that it was received, not the reviewers' data.</summary>
public sealed record ApplicationReceipt(Guid Id, ApplicationStatus Status, DateTimeOffset SubmittedAt);

/// <summary>
/// Applications to join the open network: any school may apply (no account needed); the ministry officer of its
/// country or a network admin accepts or rejects it, and an acceptance makes the school active with the requested role.
/// </summary>
public static class ApplicationEndpoints
{
    public const string Route = "/api/v1/applications";

    public static void MapApplicationEndpoints(this IEndpointRouteBuilder app)
    {
        var applications = app.MapGroup(Route).WithTags("Applications");
        applications.MapPost("/", Submit).WithName("SubmitApplication").AllowAnonymous().WithIdempotency();
        applications.MapGet("/", List).WithName("ListApplications")
            .Describe(new()
            {
                ["status"] = $"Only applications in this state: {WireEnum.Values<ApplicationStatus>()}.",
            }).RequireAuthorization(Policies.Ministry);
        applications.MapGet("/{id:guid}", Get).WithName("GetApplication").RequireAuthorization(Policies.Ministry);
        applications.MapPost("/{id:guid}/decision", Decide).WithName("DecideApplication").RequireAuthorization(Policies.Ministry);
    }

    internal static async Task<Results<Created<ApplicationReceipt>, ValidationProblem, ProblemHttpResult>> Submit(
        ApplicationRequest request, RegistryDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var (country, nationalId) = NationalIds.CheckIdentity(request.Country, request.NationalId, errors);
        var profile = request.ToProfile();
        SchoolProfileRules.Check(profile, errors);
        var motivation = request.Motivation?.Trim() ?? "";
        if (motivation.Length < 20) errors["motivation"] = ["Tell the reviewers why the school wants to join (at least 20 characters)."];
        else if (motivation.Length > ApplicationRules.MaxMotivationLength) errors["motivation"] = [$"Must be at most {ApplicationRules.MaxMotivationLength} characters."];
        if (request.RequestedRole is not (NetworkRole.Mentor or NetworkRole.Mentee)) errors["requestedRole"] = ["Required: mentor or mentee."];
        var contact = request.Contact;
        ContactRules.Check("contact.", contact?.Name, contact?.Email, contact?.Function, contact?.Consent, errors);
        if (errors.Count > 0) return Problems.Validation(errors);

        var existing = await db.Schools.AsNoTracking().Where(s => s.Country == country && s.NationalId == nationalId)
            .Select(s => (Guid?)s.Id).FirstOrDefaultAsync(cancellationToken);
        var application = SchoolApplication.Submit(country, nationalId, profile, motivation, request.RequestedRole!.Value,
            (contact!.Name!.Trim(), contact.Email!.Trim(), string.IsNullOrWhiteSpace(contact.Function) ? null : contact.Function.Trim()), existing, clock.GetUtcNow());
        db.SchoolApplications.Add(application);
        db.AddIntegrationEvent(application.ToSubmittedEvent());
        if (await db.SaveOrDuplicateAsync(cancellationToken) is not null)
        {
            return Problems.Conflict(ProblemTypes.Duplicate, "This school has an open application.",
                $"{country} school {nationalId} already applied; wait for the decision.");
        }

        return TypedResults.Created($"{Route}/{application.Id}", new ApplicationReceipt(application.Id, application.Status, application.SubmittedAt));
    }

    internal static async Task<Results<Ok<Page<ApplicationResponse>>, ValidationProblem, ProblemHttpResult>> List(
        string? country, string? status, int? page, int? pageSize, Caller caller, ResourceAccess access, RegistryDbContext db,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var paging = new PageQuery(page, pageSize);
        paging.Validate(errors);
        var wanted = WireEnum.ParseFilter<ApplicationStatus>(status, "status", errors); // bound by wire name, as documented
        // A ministry officer's list is its own country's, asked for or not.
        var code = country?.Trim().ToUpperInvariant() is { Length: > 0 } asked ? asked : caller.IsNetworkAdmin ? null : caller.Country;
        if (code is not null && !Countries.IsEuropean(code)) errors["country"] = [Countries.Invalid];
        if (errors.Count > 0) return Problems.Validation(errors);
        if (access.Check(caller, code is null ? caller.IsNetworkAdmin : caller.MayManageCountry(code), "list the applications of", code ?? "every country") is { } denied)
            return denied;

        var applications = db.SchoolApplications.AsNoTracking();
        if (code is not null) applications = applications.Where(a => a.Country == code);
        if (wanted is { } s) applications = applications.Where(a => a.Status == s);
        return TypedResults.Ok(await applications.ToPageAsync(q => q.OrderBy(a => a.SubmittedAt).ThenBy(a => a.Id), paging, ApplicationResponse.Of, cancellationToken));
    }

    internal static async Task<Results<Ok<ApplicationResponse>, ProblemHttpResult>> Get(
        Guid id, Caller caller, ResourceAccess access, RegistryDbContext db, HttpResponse response, CancellationToken cancellationToken)
    {
        var application = await db.SchoolApplications.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (application is null) return Problems.NotFound("Application", id);
        if (access.Check(caller, caller.MayManageCountry(application.Country), "read", $"application {id}") is { } denied) return denied;
        ETags.Set(response, application.Version);
        return TypedResults.Ok(ApplicationResponse.Of(application));
    }

    internal static async Task<Results<Ok<ApplicationResponse>, ValidationProblem, ProblemHttpResult>> Decide(
        Guid id, DecisionRequest request, Caller caller, ResourceAccess access, RegistryDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var application = await db.SchoolApplications.FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (application is null) return Problems.NotFound("Application", id);
        if (access.Check(caller, caller.MayManageCountry(application.Country), "decide", $"application {id}") is { } denied) return denied;

        var errors = new Dictionary<string, string[]>();
        if (request.Decision is null) errors["decision"] = ["Required: accepted or rejected."];
        MembershipRules.CheckReason(request.Reason, errors);
        if (errors.Count > 0) return Problems.Validation(errors);
        if (application.Status != ApplicationStatus.Submitted)
        {
            return Problems.Conflict(ProblemTypes.InvalidTransition, "The application is decided.",
                $"It was {WireEnum.Name(application.Status)} on {application.DecidedAt:yyyy-MM-dd}; a school that wants another decision applies again.",
                new Dictionary<string, object?> { ["rule"] = "decided-once" });
        }

        var now = clock.GetUtcNow();
        var reason = request.Reason!.Trim();
        Guid? schoolId = null;
        if (request.Decision == ApplicationDecision.Accepted)
        {
            var school = await AdmitAsync(application, $"Application accepted: {reason}", caller.Subject!, db, now, cancellationToken);
            db.ContactPersons.Add(ContactPerson.Add(school.Id, application.ContactName!, application.ContactEmail!, application.ContactFunction, now));
            schoolId = school.Id;
        }

        application.Decide(request.Decision!.Value, reason, caller.Subject!, schoolId, now);
        db.AddIntegrationEvent(application.ToDecidedEvent());
        await db.SaveChangesAsync(cancellationToken); // the school, its history, the contact, the decision and every event: all or nothing
        return TypedResults.Ok(ApplicationResponse.Of(application));
    }

    /// <summary>The school of an accepted application, registered if new, brought to active with the requested role.</summary>
    private static async Task<School> AdmitAsync(SchoolApplication application, string reason, string by, RegistryDbContext db, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var school = await db.Schools.FirstOrDefaultAsync(s => s.Country == application.Country && s.NationalId == application.NationalId, cancellationToken);
        if (school is null)
        {
            school = School.Register(application.Country, application.NationalId, application.Profile, now);
            db.Schools.Add(school);
            db.AddIntegrationEvent(school.ToRegisteredEvent());
        }

        if (school.Status == SchoolStatus.Withdrawn) SchoolMoves.ChangeStatus(db, school, SchoolStatus.Applicant, reason, by, now);
        if (school.Status != SchoolStatus.Active) SchoolMoves.ChangeStatus(db, school, SchoolStatus.Active, reason, by, now);
        if (school.NetworkRole != application.RequestedRole) SchoolMoves.AssignRole(db, school, application.RequestedRole, reason, by, now);
        return school;
    }
}
