using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using MenSI.Contracts.Policy;
using MenSI.Policy.Evidence;
using MenSI.ServiceDefaults;
using MenSI.ServiceDefaults.Data;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Messaging;
using MenSI.ServiceDefaults.Security;
using MenSI.ServiceDefaults.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Policy.Snapshots;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TakeSnapshotRequest(string? Title, DateOnly? AsOf);

public sealed record SnapshotSummary(Guid Id, string Title, DateOnly AsOf, DateTimeOffset TakenAt);

/// <summary>
/// Snapshots: taken by ministries and admins, read by anyone (published recommendations cite them), as JSON or as CSV
/// (<c>format=csv</c>: one row per scope and figure, with its definition).
/// </summary>
public static class SnapshotEndpoints
{
    public static void MapSnapshotEndpoints(this IEndpointRouteBuilder app)
    {
        var snapshots = app.MapGroup(IndicatorEndpoints.Route + "/snapshots").WithTags("Snapshots");
        snapshots.MapPost("/", TakeAsync).WithName("TakeSnapshot").WithIdempotency().RequireAuthorization(Policies.Ministry);
        snapshots.MapGet("/", ListAsync).WithName("ListSnapshots").AllowAnonymous();
        snapshots.MapGet("/{id:guid}", GetAsync).WithName("GetSnapshot")
            .Describe(new()
            {
                ["format"] = "json (the default) or csv.",
            }).AllowAnonymous();
    }

    /// <summary>The network and every country with evidence, each for all approaches and for each one.</summary>
    internal static async Task<Results<Created<Snapshot>, ValidationProblem>> TakeAsync(
        TakeSnapshotRequest request, Caller caller, PolicyDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var title = request.Title?.Trim() ?? "";
        if (title.Length is 0 or > 200) errors["title"] = ["Required: 1 to 200 characters."];
        var scope = IndicatorEndpoints.CheckScope(null, null, request.AsOf, clock, errors);
        if (errors.Count > 0) return Problems.Validation(errors);

        var countries = await db.ClusterFacts.Select(c => c.Country).Union(db.SchoolFacts.Select(s => s.Country)).Distinct().ToListAsync(ct);
        var scopes = new List<Scope>();
        foreach (var country in countries.Order(StringComparer.Ordinal).Cast<string?>().Prepend(null))
        {
            foreach (var approach in Indicators.Approaches.Cast<string?>().Prepend(null)) scopes.Add(new Scope(country, approach, scope!.AsOf));
        }

        // One repeatable-read transaction: every scope sees the same evidence, even while events keep arriving.
        await using var transaction = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var figures = new List<SnapshotFigure>();
        foreach (var s in scopes)
        {
            var computed = await db.WithConnectionAsync(connection => Indicators.ComputeAsync(connection, s, ct), ct);
            figures.AddRange(computed.Select(f => new SnapshotFigure(s.Country, s.Approach, f.Key, f.Value)));
        }

        var now = clock.GetUtcNow();
        var snapshot = new Snapshot
        {
            Id = Guid.CreateVersion7(now), Title = title, AsOf = scope!.AsOf, TakenAt = now, TakenBy = caller.UserId, Figures = figures,
            Definitions = Indicators.Definitions.ToDictionary(d => d.Key, d => d.Definition),
        };
        db.Snapshots.Add(snapshot);
        db.AddIntegrationEvent(new SnapshotTaken(Guid.CreateVersion7(now), now, snapshot.Id, snapshot.Title, snapshot.AsOf));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Created($"{IndicatorEndpoints.Route}/snapshots/{snapshot.Id}", snapshot);
    }

    internal static async Task<Results<Ok<Page<SnapshotSummary>>, ValidationProblem>> ListAsync(int? page, int? pageSize, PolicyDbContext db, CancellationToken ct)
    {
        var paging = new PageQuery(page, pageSize);
        if (paging.Problem() is { } invalid) return invalid;
        // Without the figures: a list should not carry every snapshot's thousand numbers.
        return TypedResults.Ok(await db.Snapshots.AsNoTracking().Select(s => new { s.Id, s.Title, s.AsOf, s.TakenAt })
            .ToPageAsync(q => q.OrderByDescending(s => s.TakenAt).ThenBy(s => s.Id), paging, s => new SnapshotSummary(s.Id, s.Title, s.AsOf, s.TakenAt), ct));
    }

    internal static async Task<Results<Ok<Snapshot>, FileContentHttpResult, ValidationProblem, ProblemHttpResult>> GetAsync(
        Guid id, string? format, PolicyDbContext db, CancellationToken ct)
    {
        if (format is not (null or "json" or "csv"))
            return Problems.Validation(new Dictionary<string, string[]> { ["format"] = ["json (the default) or csv."] });
        var snapshot = await db.Snapshots.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (snapshot is null) return Problems.NotFound("Snapshot", id);
        if (format != "csv") return TypedResults.Ok(snapshot);
        return TypedResults.File(Encoding.UTF8.GetBytes(CsvOf(snapshot)), "text/csv; charset=utf-8", $"snapshot-{snapshot.AsOf:yyyy-MM-dd}-{snapshot.Id:N}.csv");
    }

    internal static string CsvOf(Snapshot snapshot)
    {
        var csv = new StringBuilder("snapshot_id,as_of,country,approach,figure,value,definition\n");
        foreach (var f in snapshot.Figures)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{snapshot.Id},{snapshot.AsOf:yyyy-MM-dd},{f.Country ?? "network"},{f.Approach ?? "all"},{f.Key},")
                .Append(Indicators.Format(f.Value)).Append(',').Append(Csv.Text(snapshot.Definitions.GetValueOrDefault(f.Key, ""))).Append('\n');
        }

        return csv.ToString();
    }
}
