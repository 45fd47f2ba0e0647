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

namespace MenSI.Policy.Documents;

/// <summary>
/// Policy content: challenges, case studies, recommendations and guidelines, through draft → in review → published (→
/// withdrawn). Published versions are public and never change; drafts are their country's ministry's and the admins'.
/// </summary>
public static class DocumentEndpoints
{
    public static void MapDocumentEndpoints(this IEndpointRouteBuilder app)
    {
        var documents = app.MapGroup(IndicatorEndpoints.Route + "/documents").WithTags("Documents");
        documents.MapGet("/", DocumentQueries.ListAsync).WithName("ListDocuments")
            .Describe(new()
            {
                ["q"] = "Words to find in the documents' titles, summaries and text.",
                ["kind"] = $"Only documents of this kind: {WireEnum.Values<DocumentKind>()}.",
                ["audience"] = $"Only documents written for this audience: {WireEnum.Values<Audience>()}.",
            }).AllowAnonymous();
        documents.MapGet("/{id:guid}", DocumentQueries.GetAsync).WithName("GetDocument").AllowAnonymous();
        documents.MapGet("/{id:guid}/versions/{number:int}", DocumentQueries.GetVersionAsync).WithName("GetDocumentVersion")
            .Describe(new()
            {
                ["number"] = "The version's number, from 1.",
            }).AllowAnonymous();
        documents.MapGet("/{id:guid}/diff", DocumentQueries.DiffAsync).WithName("DiffDocumentVersions")
            .Describe(new()
            {
                ["from"] = "Required: the older version's number.",
                ["to"] = "Required: the newer version's number.",
            }).AllowAnonymous();
        documents.MapPost("/", CreateAsync).WithName("CreateDocument").WithIdempotency().RequireAuthorization(Policies.Ministry);
        documents.MapPut("/{id:guid}/draft", EditDraftAsync).WithName("EditDocumentDraft").RequireAuthorization(Policies.Ministry);
        documents.MapPost("/{id:guid}/versions", NewVersionAsync).WithName("StartDocumentVersion").RequireAuthorization(Policies.Ministry);
        foreach (var step in new[] { "submit", "return", "publish", "withdraw" })
        {
            documents.MapPost($"/{{id:guid}}/{step}", (Guid id, Caller caller, ResourceAccess access, PolicyDbContext db, TimeProvider clock, CancellationToken ct) =>
                StepAsync(id, step, caller, access, db, clock, ct)).WithName($"{char.ToUpperInvariant(step[0])}{step[1..]}Document").RequireAuthorization(Policies.Ministry);
        }

        documents.MapPut("/{id:guid}/endorsements/mine", EndorseAsync).WithName("EndorseDocument").RequireAuthorization(Policies.Ministry);
        documents.MapGet("/{id:guid}/comments", DocumentQueries.CommentsAsync).WithName("ListDocumentComments").RequireAuthorization(Policies.Ministry);
        documents.MapPost("/{id:guid}/comments", CommentAsync).WithName("CommentOnDocument").RequireAuthorization(Policies.Ministry);
    }

    internal static async Task<Results<Created<DocumentResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateDocumentRequest request, Caller caller, ResourceAccess access, PolicyDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Kind is null) errors["kind"] = [$"Required: one of {WireEnum.Values<DocumentKind>()}."];
        var country = request.Country?.Trim().ToUpperInvariant();
        if (country is not null && !Countries.IsEuropean(country)) errors["country"] = [Countries.Invalid + " Leave it out for the network."];
        if (request.Content is null) errors["content"] = ["Required."];
        else if (request.Kind is { } kind) request.Content.Check(kind, errors);
        if (errors.Count > 0) return Problems.Validation(errors);
        if (access.Check(caller, DocumentRules.MayAuthor(caller, country), "write policy documents for", country ?? "the network") is { } denied) return denied;
        if (await MissingSnapshotsAsync(db, request.Content!, ct) is { } missing) return missing;

        var now = clock.GetUtcNow();
        var document = new PolicyDocument { Id = Guid.CreateVersion7(now), Kind = request.Kind!.Value, Country = country, CreatedAt = now, CreatedBy = caller.UserId, LatestVersion = 1 };
        var version = new DocumentVersion { DocumentId = document.Id, Number = 1, State = VersionState.Draft, CreatedAt = now, Revision = 1 };
        Apply(version, request.Content!, now);
        db.Documents.Add(document);
        db.DocumentVersions.Add(version);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"{IndicatorEndpoints.Route}/documents/{document.Id}", await DocumentQueries.ResponseAsync(db, document, version, caller, ct));
    }

    /// <summary>Changes the draft (the latest version, while a draft) with <c>If-Match</c> = its revision.</summary>
    internal static async Task<Results<Ok<DocumentResponse>, ValidationProblem, ProblemHttpResult>> EditDraftAsync(
        Guid id, DocumentContent content, Caller caller, ResourceAccess access, PolicyDbContext db, HttpContext http, TimeProvider clock, CancellationToken ct)
    {
        var document = await db.Documents.FirstOrDefaultAsync(d => d.Id == id, ct);
        if (document is null || !Readable(document, caller)) return Problems.NotFound("Document", id);
        var errors = new Dictionary<string, string[]>();
        content.Check(document.Kind, errors);
        if (errors.Count > 0) return Problems.Validation(errors);
        if (access.Check(caller, DocumentRules.MayAuthor(caller, document.Country), "edit", $"document {id}") is { } denied) return denied;
        var draft = await db.DocumentVersions.FirstAsync(v => v.DocumentId == id && v.Number == document.LatestVersion, ct);
        if (draft.State != VersionState.Draft)
            return Problems.Broken(new("not-a-draft", $"Version {draft.Number} is {WireEnum.Name(draft.State)}: start a new version to change the text."));
        if (ETags.CheckIfMatch(http.Request, draft.Revision) is { } precondition) return precondition;
        if (await MissingSnapshotsAsync(db, content, ct) is { } missing) return missing;
        Apply(draft, content, clock.GetUtcNow());
        draft.Revision++;
        await db.SaveChangesAsync(ct);
        ETags.Set(http.Response, draft.Revision);
        return TypedResults.Ok(await DocumentQueries.ResponseAsync(db, document, draft, caller, ct));
    }

    /// <summary>A new draft from the latest published (or withdrawn) version's content: how a published text is changed.</summary>
    internal static async Task<Results<Created<DocumentResponse>, ProblemHttpResult>> NewVersionAsync(
        Guid id, Caller caller, ResourceAccess access, PolicyDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var document = await db.Documents.FirstOrDefaultAsync(d => d.Id == id, ct);
        if (document is null || !Readable(document, caller)) return Problems.NotFound("Document", id);
        if (access.Check(caller, DocumentRules.MayAuthor(caller, document.Country), "start a version of", $"document {id}") is { } denied) return denied;
        var latest = await db.DocumentVersions.AsNoTracking().FirstAsync(v => v.DocumentId == id && v.Number == document.LatestVersion, ct);
        if (latest.State is VersionState.Draft or VersionState.InReview)
            return Problems.Broken(new("draft-exists", $"Version {latest.Number} is still {WireEnum.Name(latest.State)}: change it instead."));
        var now = clock.GetUtcNow();
        var next = new DocumentVersion
        {
            DocumentId = id, Number = latest.Number + 1, State = VersionState.Draft, Title = latest.Title, Summary = latest.Summary, Body = latest.Body, Html = latest.Html,
            Audience = [.. latest.Audience], Approach = latest.Approach, ClusterIds = [.. latest.ClusterIds], EvidenceLinks = [.. latest.EvidenceLinks],
            CitedSnapshotIds = [.. latest.CitedSnapshotIds], Revision = 1, CreatedAt = now, UpdatedAt = now, SearchText = latest.SearchText,
        };
        document.LatestVersion = next.Number;
        db.DocumentVersions.Add(next);
        if (await db.SaveOrDuplicateAsync(ct) is not null) return Problems.Broken(new("draft-exists", "Another version was started at the same moment."));
        return TypedResults.Created($"{IndicatorEndpoints.Route}/documents/{id}/versions/{next.Number}", await DocumentQueries.ResponseAsync(db, document, next, caller, ct));
    }

    /// <summary>
    /// One workflow step on the latest version. Publishing supersedes the version published before and announces the
    /// new one (case studies, recommendations, guidelines) in the same transaction; withdrawing takes the document out of
    /// public view.
    /// </summary>
    internal static async Task<Results<Ok<DocumentResponse>, ProblemHttpResult>> StepAsync(
        Guid id, string step, Caller caller, ResourceAccess access, PolicyDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var document = await db.Documents.FirstOrDefaultAsync(d => d.Id == id, ct);
        if (document is null || !Readable(document, caller)) return Problems.NotFound("Document", id);
        if (access.Check(caller, DocumentRules.MayAuthor(caller, document.Country), step, $"document {id}") is { } denied) return denied;
        var version = await db.DocumentVersions.FirstAsync(v => v.DocumentId == id && v.Number == document.LatestVersion, ct);
        if (DocumentRules.Forbids(step, version.State) is { } broken) return Problems.Broken(broken);

        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        switch (step)
        {
            case "submit": version.State = VersionState.InReview; break;
            case "return": version.State = VersionState.Draft; break;
            case "withdraw":
                version.State = VersionState.Withdrawn;
                document.PublishedVersion = null;
                db.AddIntegrationEvent(new DocumentWithdrawn(Guid.CreateVersion7(now), now, document.Id, version.Number, WireEnum.Name(document.Kind), document.Country));
                break;
            default:
                if (document.PublishedVersion is { } earlier)
                    await db.DocumentVersions.Where(v => v.DocumentId == id && v.Number == earlier).ExecuteUpdateAsync(v => v.SetProperty(x => x.State, VersionState.Superseded), ct);
                (version.State, version.PublishedAt, document.PublishedVersion) = (VersionState.Published, now, version.Number);
                Announce(db, document, version, now);
                break;
        }

        // The version's revision is a concurrency token: of two steps at once, the second is 412 and changes nothing.
        version.Revision++;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(await DocumentQueries.ResponseAsync(db, document, version, caller, ct));
    }

    /// <summary>
    /// Idempotent: one endorsement per country, announced once; a second officer of that country changes nothing.
    /// </summary>
    internal static async Task<Results<Ok<DocumentResponse>, ProblemHttpResult>> EndorseAsync(Guid id, Caller caller, PolicyDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var document = await db.Documents.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct);
        if (document is null || !Readable(document, caller)) return Problems.NotFound("Document", id);
        if (!caller.Roles.Contains(Roles.MinistryOfficer)) return Problems.Forbidden("Ministries endorse: sign in as a ministry officer.");
        if (DocumentRules.ForbidsEndorsement(caller, document) is { } broken) return Problems.Broken(broken);
        var now = clock.GetUtcNow();
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            var added = await db.Database.ExecuteSqlAsync($"""
                INSERT INTO endorsements (document_id, country, officer_id, at) VALUES ({id}, {caller.Country}, {caller.UserId}, {now}) ON CONFLICT DO NOTHING
                """, ct);
            if (added == 1)
            {
                db.AddIntegrationEvent(new DocumentEndorsed(Guid.CreateVersion7(now), now, id, document.PublishedVersion!.Value, caller.Country!));
                await db.SaveChangesAsync(ct);
            }

            await transaction.CommitAsync(ct);
        }

        var version = await db.DocumentVersions.AsNoTracking().FirstAsync(v => v.DocumentId == id && v.Number == document.PublishedVersion, ct);
        return TypedResults.Ok(await DocumentQueries.ResponseAsync(db, document, version, caller, ct));
    }

    internal static async Task<Results<Created<CommentResponse>, ValidationProblem, ProblemHttpResult>> CommentAsync(
        Guid id, CommentRequest request, Caller caller, PolicyDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var body = request.Body?.Trim();
        if (body is not { Length: > 0 and <= 4000 }) return Problems.Validation(new Dictionary<string, string[]> { ["body"] = ["Required: 1 to 4000 characters."] });
        var document = await db.Documents.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct);
        if (document is null || !Readable(document, caller)) return Problems.NotFound("Document", id);
        if (document.PublishedVersion is not { } published) return Problems.Broken(new("not-published", "Comments are on published documents."));
        var now = clock.GetUtcNow();
        var comment = new Comment { Id = Guid.CreateVersion7(now), DocumentId = id, Version = published, Country = caller.Country, AuthorId = caller.UserId, Body = body, At = now };
        db.Comments.Add(comment);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"{IndicatorEndpoints.Route}/documents/{id}/comments", new CommentResponse(comment.Id, comment.Version, comment.Country, comment.Body, comment.At));
    }

    /// <summary>Published documents are anyone's; the rest their authors'.</summary>
    internal static bool Readable(PolicyDocument document, Caller caller) => document.PublishedVersion is not null || DocumentRules.MayAuthor(caller, document.Country);

    private static void Apply(DocumentVersion version, DocumentContent content, DateTimeOffset now)
    {
        version.Title = content.Title!.Trim();
        version.Summary = content.Summary?.Trim() ?? "";
        version.Body = content.Body!;
        version.Html = Markdown.ToSafeHtml(content.Body!);
        version.Audience = [.. (content.Audience ?? []).Distinct()];
        version.Approach = content.Approach;
        version.ClusterIds = [.. (content.ClusterIds ?? []).Distinct()];
        version.EvidenceLinks = [.. content.EvidenceLinks ?? []];
        version.CitedSnapshotIds = [.. (content.CitedSnapshotIds ?? []).Distinct()];
        version.SearchText = $"{version.Title}\n{version.Summary}\n{version.Body}";
        version.UpdatedAt = now;
    }

    private static async Task<ValidationProblem?> MissingSnapshotsAsync(PolicyDbContext db, DocumentContent content, CancellationToken ct)
    {
        var cited = (content.CitedSnapshotIds ?? []).Distinct().ToList();
        if (cited.Count == 0) return null;
        var found = await db.Snapshots.Where(s => cited.Contains(s.Id)).Select(s => s.Id).ToListAsync(ct);
        var missing = cited.Except(found).ToList();
        return missing.Count == 0 ? null
            : Problems.Validation(new Dictionary<string, string[]> { ["citedSnapshotIds"] = [$"No such snapshot: {string.Join(", ", missing)}. Take one first (POST /api/v1/policy/snapshots)."] });
    }

    private static void Announce(PolicyDbContext db, PolicyDocument document, DocumentVersion version, DateTimeOffset now)
    {
        if (document.Kind == DocumentKind.Challenge)
            db.AddIntegrationEvent(new ChallengePublished(Guid.CreateVersion7(now), now, document.Id, version.Number, document.Country));
        else if (document.Kind == DocumentKind.CaseStudy)
            db.AddIntegrationEvent(new CaseStudyPublished(Guid.CreateVersion7(now), now, document.Id, version.Number, document.Country, version.Approach!, version.ClusterIds));
        else if (document.Kind is DocumentKind.Recommendation or DocumentKind.Guideline)
            db.AddIntegrationEvent(new RecommendationPublished(Guid.CreateVersion7(now), now, document.Id, version.Number, WireEnum.Name(document.Kind), document.Country,
                [.. version.Audience.Select(WireEnum.Name)], version.CitedSnapshotIds));
    }
}
