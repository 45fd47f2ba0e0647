using System.Text.Json.Serialization;
using MenSI.Clusters.Clusters;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Clusters.Diary;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record DiaryEntryRequest(DateOnly? WrittenOn, string? Title, string? Body, DiaryVisibility? Visibility);

public sealed record DiaryEntryResponse(Guid Id, DateOnly WrittenOn, string Title, string Body, DiaryVisibility Visibility, Guid? SchoolId, DateTimeOffset CreatedAt)
{
    public static DiaryEntryResponse Of(DiaryEntry e) => new(e.Id, e.WrittenOn, e.Title, e.Body, e.Visibility, e.SchoolId, e.CreatedAt);
}

/// <summary>
/// The learning diary: anyone reads the public entries (the gateway lets anonymous callers in for reading); the
/// cluster-only ones are for the people who work in the cluster.
/// </summary>
public static class DiaryEndpoints
{
    public const int MaxTitleLength = 200;
    public const int MaxBodyLength = 20_000;

    public static void MapDiaryEndpoints(this IEndpointRouteBuilder app)
    {
        var diary = app.MapGroup(ClusterEndpoints.Route + "/{id:guid}/diary").WithTags("Diary");
        diary.MapGet("/", ReadDiary).WithName("ReadDiary").AllowAnonymous();
        diary.MapPost("/", WriteEntry).WithName("WriteDiaryEntry").WithIdempotency().RequireAuthorization(Policies.SchoolStaff);
    }

    internal static async Task<Results<Ok<Page<DiaryEntryResponse>>, ValidationProblem, ProblemHttpResult>> ReadDiary(
        Guid id, int? page, int? pageSize, Caller caller, ClustersDbContext db, CancellationToken cancellationToken)
    {
        var paging = new PageQuery(page, pageSize);
        if (paging.Problem() is { } invalid) return invalid;
        var cluster = await db.ReadClusterAsync(id, cancellationToken);
        if (cluster is null) return Problems.NotFound("Cluster", id);

        var entries = db.DiaryEntries.AsNoTracking().Where(e => e.ClusterId == id);
        if (!cluster.MayWork(caller)) entries = entries.Where(e => e.Visibility == DiaryVisibility.Public);
        return TypedResults.Ok(await entries.ToPageAsync(q => q.OrderByDescending(e => e.WrittenOn).ThenByDescending(e => e.Id), paging, DiaryEntryResponse.Of, cancellationToken));
    }

    internal static async Task<Results<Created<DiaryEntryResponse>, ValidationProblem, ProblemHttpResult>> WriteEntry(
        Guid id, DiaryEntryRequest request, Caller caller, ResourceAccess access, ClustersDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var cluster = await db.ReadClusterAsync(id, cancellationToken);
        if (cluster is null) return Problems.NotFound("Cluster", id);
        if (access.Check(caller, cluster.MayWork(caller), "write in the diary of", $"cluster {id}") is { } denied) return denied;

        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var errors = new Dictionary<string, string[]>();
        if (request.WrittenOn is not { } writtenOn) errors["writtenOn"] = ["Required (YYYY-MM-DD)."];
        else if (writtenOn < cluster.FormedOn || writtenOn > today) errors["writtenOn"] = [$"Must be between the cluster's forming ({cluster.FormedOn:yyyy-MM-dd}) and today."];
        var title = request.Title?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length > MaxTitleLength) errors["title"] = [$"Required, at most {MaxTitleLength} characters."];
        var body = request.Body?.Trim();
        if (string.IsNullOrEmpty(body) || body.Length > MaxBodyLength) errors["body"] = [$"Required, at most {MaxBodyLength} characters."];
        if (request.Visibility is null) errors["visibility"] = [$"Required: one of {WireEnum.Values<DiaryVisibility>()}."];
        if (errors.Count > 0) return Problems.Validation(errors);

        var schoolId = caller.SchoolId is { } school && cluster.CurrentMember(school) is not null ? school : (Guid?)null;
        var entry = DiaryEntry.Write(id, request.WrittenOn!.Value, title!, body!, request.Visibility!.Value, schoolId, now);
        db.DiaryEntries.Add(entry);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"{ClusterEndpoints.Route}/{id}/diary/{entry.Id}", DiaryEntryResponse.Of(entry));
    }
}
