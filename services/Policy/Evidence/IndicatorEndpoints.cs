using MenSI.ServiceDefaults;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MenSI.ServiceDefaults.Data;

namespace MenSI.Policy.Evidence;

public sealed record IndicatorsResponse(string? Country, string? Approach, DateOnly AsOf, IReadOnlyDictionary<string, decimal?> Figures);

public sealed record DefinitionResponse(string Key, string Definition);

public sealed record RebuildResponse(long EventsReplayed, TimeSpan Took);

/// <summary>The live indicators (members), their definitions (anyone), and a rebuild of the read model from the evidence log (admins).</summary>
public static class IndicatorEndpoints
{
    public const string Route = "/api/v1/policy";

    public static void MapIndicatorEndpoints(this IEndpointRouteBuilder app)
    {
        var policy = app.MapGroup(Route).WithTags("Indicators");
        policy.MapGet("/indicators", GetAsync).WithName("GetIndicators")
            .Describe(new()
            {
                ["approach"] = "Only clusters working this way: top-down, bottom-up, virtual or hybrid (default: all).",
                ["asOf"] = "The figures as they stood at the end of this day (YYYY-MM-DD, UTC; default today).",
            }).RequireAuthorization(Policies.Member);
        policy.MapGet("/indicators/definitions", () => TypedResults.Ok(Indicators.Definitions.Select(d => new DefinitionResponse(d.Key, d.Definition)).ToList()))
            .WithName("GetIndicatorDefinitions").AllowAnonymous();
        policy.MapPost("/evidence/rebuild", RebuildAsync).WithName("RebuildEvidence").RequireAuthorization(Policies.NetworkAdmin);
    }

    /// <summary>For a country (default: the network) and an approach (default: all), as of the end of <c>asOf</c> (default: today, UTC).</summary>
    internal static async Task<Results<Ok<IndicatorsResponse>, ValidationProblem>> GetAsync(
        string? country, string? approach, DateOnly? asOf, PolicyDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var scope = CheckScope(country, approach, asOf, clock, errors);
        if (errors.Count > 0) return Problems.Validation(errors);
        var figures = await db.WithConnectionAsync(connection => Indicators.ComputeAsync(connection, scope!, ct), ct);
        return TypedResults.Ok(new IndicatorsResponse(scope!.Country, scope.Approach, scope.AsOf, figures.ToDictionary(f => f.Key, f => f.Value)));
    }

    internal static Scope? CheckScope(string? country, string? approach, DateOnly? asOf, TimeProvider clock, IDictionary<string, string[]> errors)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var code = country?.Trim().ToUpperInvariant();
        if (code is not null && !Countries.IsEuropean(code)) errors["country"] = [Countries.Invalid];
        if (approach is not null && !Indicators.Approaches.Contains(approach)) errors["approach"] = [$"One of {string.Join(", ", Indicators.Approaches)}."];
        if (asOf > today) errors["asOf"] = ["Must be today or earlier: indicators count what has happened."];
        return errors.Count > 0 ? null : new Scope(code, approach, asOf ?? today);
    }

    /// <summary>Empties the facts and projects the whole evidence log into them again, in arrival order, in one transaction.</summary>
    internal static async Task<Ok<RebuildResponse>> RebuildAsync(PolicyDbContext db, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlRawAsync(
            "TRUNCATE school_facts, cluster_facts, cluster_state_facts, membership_facts, activity_facts, assessment_facts, learning_facts, community_facts", ct);
        long replayed = 0, after = 0;
        while (true)
        {
            var page = await db.EvidenceLog.AsNoTracking().Where(e => e.Sequence > after).OrderBy(e => e.Sequence).Take(5_000).ToListAsync(ct);
            if (page.Count == 0) break;
            await EvidenceProjection.ProjectAsync(db, [.. page.Select(e => EvidenceProjection.Deserialize(e.EventType, e.Payload))], ct);
            (after, replayed) = (page[^1].Sequence, replayed + page.Count);
        }

        await transaction.CommitAsync(ct);
        return TypedResults.Ok(new RebuildResponse(replayed, clock.Elapsed));
    }
}
