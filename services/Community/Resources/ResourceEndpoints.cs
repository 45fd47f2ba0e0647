using MenSI.Community.Live;
using MenSI.Community.Moderation;
using MenSI.Community.Profiles;
using MenSI.Community.Search;
using MenSI.Community.Spaces;
using MenSI.Contracts.Community;
using MenSI.ServiceDefaults;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Messaging;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Community.Resources;

/// <summary>A resource becoming visible (shared by a trusted member, or approved): the space's activity and <c>resource-shared</c>.</summary>
internal static class Sharing
{
    public static async Task AnnounceAsync(CommunityDbContext db, Space space, Resource resource, DateTimeOffset now, CancellationToken ct)
    {
        await db.TouchSpaceAsync(space.Id, now, ct);
        db.AddIntegrationEvent(new ResourceShared(Guid.CreateVersion7(now), now, resource.Id, space.Id, space.Country, WireEnum.Name(resource.Type),
            resource.Licence, resource.Language, resource.Country));
    }
}

/// <summary>Resources: shared in a space, listed and searched across the spaces the caller may read.</summary>
public static class ResourceEndpoints
{
    private static readonly string MatchingResources = "SELECT * FROM resources r WHERE " + SearchEndpoints.Match("r");

    public static void MapResourceEndpoints(this IEndpointRouteBuilder app)
    {
        var community = app.MapGroup(SpaceEndpoints.Route).WithTags("Resources").RequireAuthorization(Policies.Member);
        community.MapPost("/spaces/{id:guid}/resources", Share).WithName("ShareResource").WithIdempotency();
        community.MapGet("/resources", List).WithName("ListResources")
            .Describe(new()
            {
                ["q"] = "Words to find in the resources' titles and descriptions.",
                ["spaceId"] = "Only resources shared in this space.",
                ["type"] = $"Only resources of this type: {WireEnum.Values<ResourceType>()}.",
                ["licence"] = "Only resources under this licence (SPDX id, e.g. CC-BY-4.0).",
                ["language"] = "Only resources in this language (ISO 639-1, e.g. hu).",
                ["tag"] = "Only resources carrying this tag.",
            });
        community.MapGet("/resources/{id:guid}", Get).WithName("GetResource");
    }

    internal static async Task<Results<Created<ResourceResponse>, ValidationProblem, ProblemHttpResult>> Share(
        Guid id, ShareResourceRequest request, Caller caller, CommunityDbContext db, Trust trust, LiveUpdates live, TimeProvider clock, CancellationToken ct)
    {
        if (caller.UserId is not { } member) return Problems.Forbidden("Only people share resources: sign in as a user, not as a machine client.");
        var errors = request.Check(out var title, out var url, out var language, out var tags, out var licence);
        if (errors.Count > 0) return Problems.Validation(errors);
        var space = await db.ReadableSpaces(caller).FirstOrDefaultAsync(s => s.Id == id, ct);
        if (space is null) return Problems.NotFound("Space", id);

        var now = clock.GetUtcNow();
        var held = await trust.MustApproveAsync(db, caller, space, hasLinks: true, ct);
        var description = request.Description?.Trim() ?? "";
        var resource = new Resource
        {
            Id = Guid.CreateVersion7(now), SpaceId = id, Title = title, Url = url.AbsoluteUri, Description = description, Type = request.Type!.Value,
            Licence = licence, Language = language, Tags = tags, Country = request.Country ?? (space.Kind == SpaceKind.Country ? space.Country : null),
            SharedBy = member, SharedAt = now, Hidden = held, AwaitingApproval = held, SearchText = string.Join('\n', [title, description, .. tags]),
        };
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            db.Resources.Add(resource);
            if (!held) await Sharing.AnnounceAsync(db, space, resource, now, ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        if (!held) await live.AnnounceAsync("resource-shared", id, null, resource.Id, now);
        return TypedResults.Created($"{SpaceEndpoints.Route}/resources/{resource.Id}", ResponseOf(resource, await db.NamesAsync([member], ct), member));
    }

    /// <summary>Newest first; <c>q</c> searches titles, descriptions and tags the way post search does.</summary>
    internal static async Task<Results<Ok<Page<ResourceResponse>>, ValidationProblem>> List(
        [AsParameters] ResourceQuery query, Caller caller, CommunityDbContext db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var paging = new PageQuery(query.Page, query.PageSize);
        paging.Validate(errors);
        var q = query.Q?.Trim();
        if (q is { Length: > 200 }) errors["q"] = ["At most 200 characters."];
        var type = WireEnum.ParseFilter<ResourceType>(query.Type, "type", errors);
        if (query.Licence is not null) Licences.Check(query.Licence, "licence", errors);
        var language = query.Language is null ? null : Threads.ThreadRules.CheckLanguage(query.Language, errors);
        if (query.Country is not null && !Countries.IsEuropean(query.Country)) errors["country"] = [Countries.Invalid];
        if (errors.Count > 0) return Problems.Validation(errors);

        var resources = string.IsNullOrEmpty(q)
            ? db.Resources.AsNoTracking()
            : db.Resources.FromSqlRaw(MatchingResources, new Npgsql.NpgsqlParameter("q", q)).AsNoTracking();
        var readable = db.ReadableSpaces(caller);
        var visible = db.ModeratedSpaceIds(caller);
        resources = resources.Where(r => readable.Any(s => s.Id == r.SpaceId) && (!r.Hidden || visible.Contains(r.SpaceId) || r.SharedBy == caller.UserId));
        if (query.SpaceId is { } space) resources = resources.Where(r => r.SpaceId == space);
        if (type is { } t) resources = resources.Where(r => r.Type == t);
        if (query.Licence is { } l) resources = resources.Where(r => r.Licence == l);
        if (language is not null) resources = resources.Where(r => r.Language == language);
        if (query.Country is { } c) resources = resources.Where(r => r.Country == c);
        if (query.Tag is { Length: > 0 } tag) resources = resources.Where(r => r.Tags.Contains(tag.Trim().ToLowerInvariant()));
        var page = await resources.ToPageAsync(x => x.OrderByDescending(r => r.SharedAt).ThenBy(r => r.Id), paging, r => r, ct);
        var names = await db.NamesAsync(page.Items.Select(r => r.SharedBy), ct);
        return TypedResults.Ok(new Page<ResourceResponse>([.. page.Items.Select(r => ResponseOf(r, names, caller.UserId))], page.PageNumber, page.PageSize,
            page.TotalCount, page.TotalCountCapped));
    }

    internal static async Task<Results<Ok<ResourceResponse>, ProblemHttpResult>> Get(Guid id, Caller caller, CommunityDbContext db, CancellationToken ct)
    {
        var resource = await db.Resources.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        var space = resource is null ? null : await db.ReadableSpaces(caller).FirstOrDefaultAsync(s => s.Id == resource.SpaceId, ct);
        if (resource is null || space is null || (resource.Hidden && !SpaceRules.MayModerate(caller, space) && resource.SharedBy != caller.UserId))
            return Problems.NotFound("Resource", id);
        return TypedResults.Ok(ResponseOf(resource, await db.NamesAsync([resource.SharedBy], ct), caller.UserId));
    }

    private static ResourceResponse ResponseOf(Resource r, IReadOnlyDictionary<Guid, string> names, Guid? caller) =>
        new(r.Id, r.SpaceId, r.Title, r.Url, r.Description, r.Type, r.Licence, r.Language, r.Tags, r.Country, Names.Of(r.SharedBy, names),
            r.SharedBy is not null && r.SharedBy == caller, r.SharedAt, r.Hidden, r.AwaitingApproval);
}
