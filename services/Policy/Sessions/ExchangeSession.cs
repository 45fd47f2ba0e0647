using System.Text.Json.Serialization;
using MenSI.Contracts.Policy;
using MenSI.Policy.Evidence;
using MenSI.ServiceDefaults;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Messaging;
using MenSI.ServiceDefaults.Security;
using MenSI.ServiceDefaults.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MenSI.Policy.Sessions;

/// <summary>A policy exchange session: when, which countries took part, the agenda and what came out of it.</summary>
public sealed class ExchangeSession
{
    public Guid Id { get; init; }
    public string Title { get; init; } = "";
    public DateOnly HeldOn { get; init; }
    public List<string> Countries { get; init; } = [];
    public string Agenda { get; init; } = "";
    /// <summary>Markdown; <see cref="OutcomesHtml"/> rendered and sanitised.</summary>
    public string Outcomes { get; init; } = "";
    public string OutcomesHtml { get; init; } = "";
    public List<Guid> DocumentIds { get; init; } = [];
    public Guid? RecordedBy { get; set; }
    public DateTimeOffset RecordedAt { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RecordSessionRequest(string? Title, DateOnly? HeldOn, IReadOnlyList<string>? Countries, string? Agenda, string? Outcomes, IReadOnlyList<Guid>? DocumentIds);

public sealed record SessionResponse(Guid Id, string Title, DateOnly HeldOn, IReadOnlyList<string> Countries, string Agenda, string Outcomes, string OutcomesHtml,
    IReadOnlyList<Guid> DocumentIds, DateTimeOffset RecordedAt);

/// <summary>Sessions are recorded by admins and by the ministries that took part, once held, and are public.</summary>
public static class SessionEndpoints
{
    public static void MapSessionEndpoints(this IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup(IndicatorEndpoints.Route + "/sessions").WithTags("Exchange sessions");
        sessions.MapPost("/", RecordAsync).WithName("RecordExchangeSession").WithIdempotency().RequireAuthorization(Policies.Ministry);
        sessions.MapGet("/", ListAsync).WithName("ListExchangeSessions").AllowAnonymous();
        sessions.MapGet("/{id:guid}", GetAsync).WithName("GetExchangeSession").AllowAnonymous();
    }

    internal static async Task<Results<Created<SessionResponse>, ValidationProblem, ProblemHttpResult>> RecordAsync(
        RecordSessionRequest request, Caller caller, ResourceAccess access, PolicyDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var now = clock.GetUtcNow();
        var title = request.Title?.Trim() ?? "";
        if (title.Length is 0 or > 200) errors["title"] = ["Required: 1 to 200 characters."];
        if (request.HeldOn is not { } heldOn || heldOn > DateOnly.FromDateTime(now.UtcDateTime)) errors["heldOn"] = ["Required: the date it was held (today or earlier)."];
        var countries = (request.Countries ?? []).Select(c => c.Trim().ToUpperInvariant()).Distinct().ToList();
        if (countries.Count is < 2 or > 60 || !countries.All(Countries.IsEuropean)) errors["countries"] = ["Required: two or more ISO 3166-1 alpha-2 codes of European countries."];
        if (request.Agenda?.Length > 4000) errors["agenda"] = ["At most 4000 characters."];
        if (string.IsNullOrWhiteSpace(request.Outcomes) || request.Outcomes.Length > 20_000) errors["outcomes"] = ["Required: Markdown, at most 20000 characters."];
        var documents = (request.DocumentIds ?? []).Distinct().ToList();
        if (documents.Count > 0 && await db.Documents.CountAsync(d => documents.Contains(d.Id) && d.PublishedVersion != null, ct) != documents.Count)
            errors["documentIds"] = ["Each must be a published policy document."];
        if (errors.Count > 0) return Problems.Validation(errors);
        var mayRecord = caller.IsNetworkAdmin || (caller.Country is { } own && countries.Contains(own) && caller.IsMinistryOfficerOf(own));
        if (access.Check(caller, mayRecord, "record", "an exchange session its ministry did not take part in") is { } denied) return denied;

        var session = new ExchangeSession
        {
            Id = Guid.CreateVersion7(now), Title = title, HeldOn = request.HeldOn!.Value, Countries = countries, Agenda = request.Agenda?.Trim() ?? "",
            Outcomes = request.Outcomes!, OutcomesHtml = Markdown.ToSafeHtml(request.Outcomes!), DocumentIds = documents, RecordedBy = caller.UserId, RecordedAt = now,
        };
        db.Sessions.Add(session);
        db.AddIntegrationEvent(new ExchangeSessionHeld(Guid.CreateVersion7(now), now, session.Id, session.HeldOn, countries, documents));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"{IndicatorEndpoints.Route}/sessions/{session.Id}", Response(session));
    }

    internal static async Task<Results<Ok<Page<SessionResponse>>, ValidationProblem>> ListAsync(int? page, int? pageSize, string? country, PolicyDbContext db, CancellationToken ct)
    {
        var paging = new PageQuery(page, pageSize);
        if (paging.Problem() is { } invalid) return invalid;
        var sessions = db.Sessions.AsNoTracking();
        if (country?.Trim().ToUpperInvariant() is { Length: > 0 } code) sessions = sessions.Where(s => s.Countries.Contains(code));
        return TypedResults.Ok(await sessions.ToPageAsync(q => q.OrderByDescending(s => s.HeldOn).ThenBy(s => s.Id), paging, Response, ct));
    }

    internal static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> GetAsync(Guid id, PolicyDbContext db, CancellationToken ct) =>
        await db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct) is { } session ? TypedResults.Ok(Response(session)) : Problems.NotFound("Exchange session", id);

    private static SessionResponse Response(ExchangeSession s) =>
        new(s.Id, s.Title, s.HeldOn, s.Countries, s.Agenda, s.Outcomes, s.OutcomesHtml, s.DocumentIds, s.RecordedAt);
}

internal sealed class SessionConfiguration : IEntityTypeConfiguration<ExchangeSession>
{
    public void Configure(EntityTypeBuilder<ExchangeSession> session)
    {
        session.ToTable("exchange_sessions");
        session.HasKey(s => s.Id);
        session.Property(s => s.Title).HasMaxLength(200);
        session.Property(s => s.Agenda).HasMaxLength(4000);
        session.Property(s => s.Outcomes).HasMaxLength(20_000);
        session.PrimitiveCollection(s => s.Countries);
        session.PrimitiveCollection(s => s.DocumentIds);
        session.HasIndex(s => s.HeldOn);
    }
}
