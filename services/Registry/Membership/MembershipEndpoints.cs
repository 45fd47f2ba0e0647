using System.Text.Json.Serialization;
using MenSI.Registry.Schools;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Registry.Membership;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record StatusChangeRequest(SchoolStatus? Status, string? Reason);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RoleAssignmentRequest(NetworkRole? NetworkRole, string? Reason);

public sealed record SchoolChangeResponse(Guid Id, ChangeKind Kind, string From, string To, string Reason, string ChangedBy, DateTimeOffset ChangedAt, int Version)
{
    public static SchoolChangeResponse Of(SchoolChange c) => new(c.Id, c.Kind, c.From, c.To, c.Reason, c.ChangedBy, c.ChangedAt, c.Version);
}

/// <summary>A school's network role and status: changed by whoever manages its country, each change in its history.</summary>
public static class MembershipEndpoints
{
    public static void MapMembershipEndpoints(this IEndpointRouteBuilder app)
    {
        var school = app.MapGroup(SchoolEndpoints.Route + "/{id:guid}").WithTags("Membership");
        school.MapPost("/status", ChangeStatus).WithName("ChangeSchoolStatus").RequireAuthorization(Policies.Ministry);
        school.MapPost("/role", AssignRole).WithName("AssignSchoolRole").RequireAuthorization(Policies.Ministry);
        school.MapGet("/history", History).WithName("GetSchoolHistory").RequireAuthorization(Policies.SchoolStaff);
    }

    internal static Task<Results<Ok<SchoolResponse>, ValidationProblem, ProblemHttpResult>> ChangeStatus(
        Guid id, StatusChangeRequest request, Caller caller, ResourceAccess access, RegistryDbContext db, TimeProvider clock,
        HttpRequest httpRequest, HttpResponse response, CancellationToken cancellationToken) =>
        ChangeAsync(id, request.Reason, caller, access, db, clock, httpRequest, response, request.Status is not { } to
            ? new Move(ChangeKind.Status, "status", null, null)
            : new Move(ChangeKind.Status, "status",
                school => MembershipRules.WhyNotStatus(school.Status, to),
                (school, reason, by, now) => SchoolMoves.ChangeStatus(db, school, to, reason, by, now)), cancellationToken);

    internal static Task<Results<Ok<SchoolResponse>, ValidationProblem, ProblemHttpResult>> AssignRole(
        Guid id, RoleAssignmentRequest request, Caller caller, ResourceAccess access, RegistryDbContext db, TimeProvider clock,
        HttpRequest httpRequest, HttpResponse response, CancellationToken cancellationToken) =>
        ChangeAsync(id, request.Reason, caller, access, db, clock, httpRequest, response, request.NetworkRole is not { } to
            ? new Move(ChangeKind.Role, "networkRole", null, null)
            : new Move(ChangeKind.Role, "networkRole",
                school => MembershipRules.WhyNotRole(school.Status, school.NetworkRole, to),
                (school, reason, by, now) => SchoolMoves.AssignRole(db, school, to, reason, by, now)), cancellationToken);

    /// <summary>
    /// One membership move: the field it sets, why it may be refused, and how it applies (<see cref="SchoolMoves"/>);
    /// without a target value (the field was missing) it has neither.
    /// </summary>
    private sealed record Move(ChangeKind Kind, string Field, Func<School, string?>? WhyNot, Action<School, string, string, DateTimeOffset>? Apply);

    /// <summary>
    /// The steps every move shares, in the order a client can act on: 404, 403 (nothing revealed about the body),
    /// 428/412, 400 with field errors, 409 naming the rule; then the change, its history entry and its event, in one
    /// transaction.
    /// </summary>
    private static async Task<Results<Ok<SchoolResponse>, ValidationProblem, ProblemHttpResult>> ChangeAsync(
        Guid id, string? reason, Caller caller, ResourceAccess access, RegistryDbContext db, TimeProvider clock,
        HttpRequest httpRequest, HttpResponse response, Move move, CancellationToken cancellationToken)
    {
        var school = await db.Schools.FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (school is null) return Problems.NotFound("School", id);
        var action = move.Kind == ChangeKind.Status ? "change the status of" : "assign the role of";
        if (access.Check(caller, caller.MayManageCountry(school.Country), action, $"school {id}") is { } denied) return denied;
        if (ETags.CheckIfMatch(httpRequest, school.Version) is { } precondition) return precondition;

        var errors = new Dictionary<string, string[]>();
        if (move.WhyNot is null) errors[move.Field] = ["Required."];
        MembershipRules.CheckReason(reason, errors);
        if (errors.Count > 0) return Problems.Validation(errors);
        if (move.WhyNot!(school) is { } why)
        {
            return Problems.Conflict(ProblemTypes.InvalidTransition, "This change is not allowed.", why,
                new Dictionary<string, object?> { ["rule"] = move.Kind == ChangeKind.Status ? "status-transitions" : "role-requires-membership" });
        }

        move.Apply!(school, reason!.Trim(), caller.Subject!, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);

        ETags.Set(response, school.Version);
        return TypedResults.Ok(SchoolResponse.From(school));
    }

    internal static async Task<Results<Ok<Page<SchoolChangeResponse>>, ValidationProblem, ProblemHttpResult>> History(
        Guid id, int? page, int? pageSize, Caller caller, ResourceAccess access, RegistryDbContext db, CancellationToken cancellationToken)
    {
        var school = await db.Schools.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (school is null) return Problems.NotFound("School", id);
        if (access.Check(caller, caller.MayEditSchool(school.Id, school.Country), "read the history of", $"school {id}") is { } denied) return denied;
        var paging = new PageQuery(page, pageSize);
        if (paging.Problem() is { } invalid) return invalid;
        return TypedResults.Ok(await db.SchoolChanges.AsNoTracking().Where(c => c.SchoolId == id)
            .ToPageAsync(q => q.OrderByDescending(c => c.ChangedAt).ThenByDescending(c => c.Id), paging, SchoolChangeResponse.Of, cancellationToken));
    }
}
