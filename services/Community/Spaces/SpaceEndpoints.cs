using System.Text.Json.Serialization;
using MenSI.ServiceDefaults;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Messaging;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Community.Spaces;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record OpenSpaceRequest(SpaceKind? Kind, string? Name, string? Description, string? Country, string? Theme);

public sealed record SpaceResponse(
    Guid Id, SpaceKind Kind, string Name, string Description, string? Country, string? Theme, int ThreadCount, DateTimeOffset LastActivityAt,
    IReadOnlyList<Guid>? MemberSchoolIds, bool MayModerate)
{
    public static SpaceResponse Of(Space s, IReadOnlyList<Guid>? members, Caller caller) =>
        new(s.Id, s.Kind, s.Name, s.Description, s.Country, s.Theme, s.ThreadCount, s.LastActivityAt, members, SpaceRules.MayModerate(caller, s));
}

public sealed record MembershipRebuild(int MembershipsCleared, int InboxEntriesCleared, string Next);

public sealed record SpaceListQuery(int? Page, int? PageSize, string? Kind, string? Country);

/// <summary>Spaces: every signed-in member sees the open ones and the private spaces of their own clusters.</summary>
public static class SpaceEndpoints
{
    public const string Route = "/api/v1/community";

    public static void MapSpaceEndpoints(this IEndpointRouteBuilder app)
    {
        var spaces = app.MapGroup(Route + "/spaces").WithTags("Spaces").RequireAuthorization(Policies.Member);
        spaces.MapGet("/", ListSpaces).WithName("ListSpaces")
            .Describe(new()
            {
                ["kind"] = $"Only spaces of this kind: {WireEnum.Values<SpaceKind>()}.",
            });
        spaces.MapGet("/{id:guid}", GetSpace).WithName("GetSpace");
        spaces.MapPost("/", OpenSpace).WithName("OpenSpace").WithIdempotency().RequireAuthorization(Policies.Ministry);
        spaces.MapPost("/memberships/rebuild", RebuildMemberships).WithName("RebuildClusterMemberships").RequireAuthorization(Policies.NetworkAdmin);
    }

    /// <summary>
    /// Forgets every cluster space's members and what the cluster consumers' inbox handled, in one transaction, so that
    /// replaying Clusters' events (with their original ids) rebuilds them; the spaces and their content stay. Until the
    /// replay, a cluster space is its ministry's and the admins' only.
    /// </summary>
    internal static async Task<Ok<MembershipRebuild>> RebuildMemberships(CommunityDbContext db, Caller caller, ILogger<Space> logger, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var members = await db.ClusterSchools.ExecuteDeleteAsync(ct);
        var inbox = await db.Set<InboxMessage>().Where(m => ClusterSpaces.Consumers.Contains(m.Consumer)).ExecuteDeleteAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogWarning("{Caller} cleared {Members} cluster memberships and {Inbox} inbox entries for a rebuild", caller, members, inbox);
        return TypedResults.Ok(new MembershipRebuild(members, inbox,
            "Replay Clusters' cluster-formed, school-joined-cluster and school-left-cluster events, with their original ids."));
    }

    internal static async Task<Results<Ok<Page<SpaceResponse>>, ValidationProblem>> ListSpaces(
        [AsParameters] SpaceListQuery query, Caller caller, CommunityDbContext db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var paging = new PageQuery(query.Page, query.PageSize);
        paging.Validate(errors);
        var kind = WireEnum.ParseFilter<SpaceKind>(query.Kind, "kind", errors);
        var country = query.Country?.Trim().ToUpperInvariant();
        if (country is { Length: > 0 } && !Countries.IsEuropean(country)) errors["country"] = [Countries.Invalid];
        if (errors.Count > 0) return Problems.Validation(errors);

        var spaces = db.ReadableSpaces(caller);
        if (kind is { } k) spaces = spaces.Where(s => s.Kind == k);
        if (country is { Length: > 0 }) spaces = spaces.Where(s => s.Country == country);
        return TypedResults.Ok(await spaces.ToPageAsync(q => q.OrderByDescending(s => s.LastActivityAt).ThenBy(s => s.Id), paging,
            s => SpaceResponse.Of(s, null, caller), ct));
    }

    internal static async Task<Results<Ok<SpaceResponse>, ProblemHttpResult>> GetSpace(Guid id, Caller caller, CommunityDbContext db, CancellationToken ct)
    {
        // A private space the caller is not part of does not exist for them: the same 404 as an unknown id.
        var space = await db.ReadableSpaces(caller).FirstOrDefaultAsync(s => s.Id == id, ct);
        if (space is null) return Problems.NotFound("Space", id);
        var members = space.Kind == SpaceKind.Cluster
            ? await db.ClusterSchools.Where(m => m.ClusterId == id && m.IsMember).OrderBy(m => m.SchoolId).Select(m => m.SchoolId).ToListAsync(ct)
            : null;
        return TypedResults.Ok(SpaceResponse.Of(space, members, caller));
    }

    internal static async Task<Results<Created<SpaceResponse>, ValidationProblem, ProblemHttpResult>> OpenSpace(
        OpenSpaceRequest request, Caller caller, ResourceAccess access, CommunityDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > SpaceRules.MaxNameLength) errors["name"] = [$"Required: 1 to {SpaceRules.MaxNameLength} characters."];
        var description = request.Description?.Trim() ?? "";
        if (description.Length > SpaceRules.MaxDescriptionLength) errors["description"] = [$"At most {SpaceRules.MaxDescriptionLength} characters."];
        var country = request.Country?.Trim().ToUpperInvariant();
        var theme = request.Theme?.Trim();
        switch (request.Kind)
        {
            case null or SpaceKind.Cluster:
                errors["kind"] = ["Required: public, country or theme (a cluster's space is opened by the cluster itself)."];
                break;
            case SpaceKind.Country when country is null || !Countries.IsEuropean(country):
                errors["country"] = ["Required for a country space: " + Countries.Invalid];
                break;
            case SpaceKind.Theme when string.IsNullOrEmpty(theme) || theme.Length > 60:
                errors["theme"] = ["Required for a theme space: 1 to 60 characters."];
                break;
        }

        if (request.Kind is not SpaceKind.Country && request.Country is not null) errors["country"] = ["Only country spaces have a country."];
        if (request.Kind is not SpaceKind.Theme && request.Theme is not null) errors["theme"] = ["Only theme spaces have a theme."];
        if (errors.Count > 0) return Problems.Validation(errors);
        if (access.Check(caller, SpaceRules.MayOpen(caller, request.Kind!.Value, country), "open a space", WireEnum.Name(request.Kind.Value)) is { } denied) return denied;

        var space = Space.Open(request.Kind.Value, name!, description, request.Kind == SpaceKind.Country ? country : null, request.Kind == SpaceKind.Theme ? theme : null,
            clock.GetUtcNow());
        db.Spaces.Add(space);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"{Route}/spaces/{space.Id}", SpaceResponse.Of(space, null, caller));
    }
}
