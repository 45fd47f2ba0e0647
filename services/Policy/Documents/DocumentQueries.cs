using MenSI.Policy.Evidence;
using MenSI.ServiceDefaults;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Policy.Documents;

/// <summary>Reading documents: anyone reads published versions; a document's authors also read its drafts and history.</summary>
internal static class DocumentQueries
{
    private static readonly string Matching = """
        SELECT * FROM document_versions v
        WHERE v.search @@ websearch_to_tsquery('simple', policy_unaccent(@q))
        """;

    /// <summary>
    /// Each document once, in the version the caller sees (published for everyone; the latest for its authors), newest
    /// first; <c>q</c> searches titles, summaries and texts (accents and case ignored).
    /// </summary>
    public static async Task<Results<Ok<Page<DocumentSummary>>, ValidationProblem>> ListAsync(
        [AsParameters] DocumentQuery query, Caller caller, PolicyDbContext db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var paging = new PageQuery(query.Page, query.PageSize);
        paging.Validate(errors);
        var kind = WireEnum.ParseFilter<DocumentKind>(query.Kind, "kind", errors);
        var audience = WireEnum.ParseFilter<Audience>(query.Audience, "audience", errors);
        var country = query.Country?.Trim().ToUpperInvariant();
        if (country is not null && country != "NETWORK" && !Countries.IsEuropean(country)) errors["country"] = [Countries.Invalid + " Or network."];
        if (query.Q is { Length: > 200 }) errors["q"] = ["At most 200 characters."];
        if (errors.Count > 0) return Problems.Validation(errors);

        var versions = string.IsNullOrWhiteSpace(query.Q) ? db.DocumentVersions.AsNoTracking()
            : db.DocumentVersions.FromSqlRaw(Matching, new Npgsql.NpgsqlParameter("q", query.Q.Trim())).AsNoTracking();
        var admin = caller.IsNetworkAdmin;
        var officerOf = caller.Roles.Contains(Roles.MinistryOfficer) ? caller.Country : null;
        // Authors see each of their documents once, as its latest version; everyone else its published one.
        var visible = from v in versions
                      join d in db.Documents on v.DocumentId equals d.Id
                      let authored = admin || (officerOf != null && d.Country == officerOf)
                      where authored ? v.Number == d.LatestVersion : v.Number == d.PublishedVersion
                      select new { d, v };
        if (kind is { } k) visible = visible.Where(x => x.d.Kind == k);
        if (country == "NETWORK") visible = visible.Where(x => x.d.Country == null);
        else if (country is not null) visible = visible.Where(x => x.d.Country == country);
        if (audience is { } a) visible = visible.Where(x => x.v.Audience.Contains(a));
        var page = await visible.ToPageAsync(q => q.OrderByDescending(x => x.v.UpdatedAt).ThenBy(x => x.d.Id), paging, x => x, ct);
        return TypedResults.Ok(new Page<DocumentSummary>([.. page.Items.Select(x => new DocumentSummary(x.d.Id, x.d.Kind, x.d.Country, x.v.Number, x.v.State, x.v.Title, x.v.Summary, x.v.UpdatedAt))],
            page.PageNumber, page.PageSize, page.TotalCount, page.TotalCountCapped));
    }

    public static async Task<Results<Ok<DocumentResponse>, ProblemHttpResult>> GetAsync(Guid id, Caller caller, PolicyDbContext db, CancellationToken ct)
    {
        var document = await db.Documents.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct);
        if (document is null || !DocumentEndpoints.Readable(document, caller)) return Problems.NotFound("Document", id);
        var number = DocumentRules.MayAuthor(caller, document.Country) ? document.LatestVersion : document.PublishedVersion!.Value;
        var version = await db.DocumentVersions.AsNoTracking().FirstAsync(v => v.DocumentId == id && v.Number == number, ct);
        return TypedResults.Ok(await ResponseAsync(db, document, version, caller, ct));
    }

    /// <summary>A version by number: published and superseded ones for anyone, drafts and withdrawn ones for the authors.</summary>
    public static async Task<Results<Ok<VersionResponse>, ProblemHttpResult>> GetVersionAsync(Guid id, int number, Caller caller, PolicyDbContext db, CancellationToken ct)
    {
        var (document, version) = await VisibleVersionAsync(db, id, number, caller, ct);
        if (document is null || version is null) return Problems.NotFound("Document version", $"{id}/{number}");
        return TypedResults.Ok(await VersionAsync(db, version, ct));
    }

    public static async Task<Results<Ok<DiffResponse>, ValidationProblem, ProblemHttpResult>> DiffAsync(
        Guid id, int? from, int? to, Caller caller, PolicyDbContext db, CancellationToken ct)
    {
        if (from is null || to is null)
            return Problems.Validation(new Dictionary<string, string[]> { [from is null ? "from" : "to"] = ["Required: a version number."] });
        var (_, older) = await VisibleVersionAsync(db, id, from.Value, caller, ct);
        var (_, newer) = await VisibleVersionAsync(db, id, to.Value, caller, ct);
        if (older is null || newer is null) return Problems.NotFound("Document version", $"{id}/{(older is null ? from : to)}");
        var fields = new List<FieldChange>();
        void Compare<T>(string field, T a, T b, Func<T, T, bool> same)
        {
            if (!same(a, b)) fields.Add(new FieldChange(field, a, b));
        }

        Compare("title", older.Title, newer.Title, string.Equals);
        Compare("summary", older.Summary, newer.Summary, string.Equals);
        Compare("audience", older.Audience, newer.Audience, (a, b) => a.SequenceEqual(b));
        Compare("approach", older.Approach, newer.Approach, string.Equals);
        Compare("clusterIds", older.ClusterIds, newer.ClusterIds, (a, b) => a.SequenceEqual(b));
        Compare("evidenceLinks", older.EvidenceLinks, newer.EvidenceLinks, (a, b) => a.SequenceEqual(b));
        Compare("citedSnapshotIds", older.CitedSnapshotIds, newer.CitedSnapshotIds, (a, b) => a.SequenceEqual(b));
        return TypedResults.Ok(new DiffResponse(older.Number, newer.Number, fields, TextDiff.Lines(older.Body, newer.Body)));
    }

    public static async Task<Results<Ok<List<CommentResponse>>, ProblemHttpResult>> CommentsAsync(Guid id, Caller caller, PolicyDbContext db, CancellationToken ct)
    {
        var document = await db.Documents.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct);
        if (document is null || !DocumentEndpoints.Readable(document, caller)) return Problems.NotFound("Document", id);
        return TypedResults.Ok(await db.Comments.AsNoTracking().Where(c => c.DocumentId == id).OrderBy(c => c.At)
            .Select(c => new CommentResponse(c.Id, c.Version, c.Country, c.Body, c.At)).ToListAsync(ct));
    }

    public static async Task<DocumentResponse> ResponseAsync(PolicyDbContext db, PolicyDocument document, DocumentVersion version, Caller caller, CancellationToken ct)
    {
        var endorsedBy = await db.Endorsements.AsNoTracking().Where(e => e.DocumentId == document.Id).OrderBy(e => e.Country).Select(e => e.Country).ToListAsync(ct);
        // A draft is its authors' business: everyone else learns of a new version when it is published.
        var mayAuthor = DocumentRules.MayAuthor(caller, document.Country);
        var latest = mayAuthor ? document.LatestVersion : document.PublishedVersion ?? document.LatestVersion;
        return new DocumentResponse(document.Id, document.Kind, document.Country, latest, document.PublishedVersion, endorsedBy, mayAuthor, await VersionAsync(db, version, ct));
    }

    /// <summary>A version with its citations resolved to the snapshots they name (which never change).</summary>
    private static async Task<VersionResponse> VersionAsync(PolicyDbContext db, DocumentVersion v, CancellationToken ct)
    {
        var snapshots = await db.Snapshots.AsNoTracking().Where(s => v.CitedSnapshotIds.Contains(s.Id))
            .Select(s => new { s.Id, s.Title, s.AsOf, s.TakenAt }).ToDictionaryAsync(s => s.Id, ct);
        var citations = v.CitedSnapshotIds.Where(snapshots.ContainsKey)
            .Select(c => new Citation(c, snapshots[c].Title, snapshots[c].AsOf, snapshots[c].TakenAt, $"{IndicatorEndpoints.Route}/snapshots/{c}")).ToList();
        return new VersionResponse(v.Number, v.State, v.Title, v.Summary, v.Body, v.Html, v.Audience, v.Approach, v.ClusterIds, v.EvidenceLinks, citations, v.Revision,
            v.UpdatedAt, v.PublishedAt);
    }

    private static async Task<(PolicyDocument?, DocumentVersion?)> VisibleVersionAsync(PolicyDbContext db, Guid id, int number, Caller caller, CancellationToken ct)
    {
        var document = await db.Documents.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct);
        if (document is null || !DocumentEndpoints.Readable(document, caller)) return (null, null);
        var version = await db.DocumentVersions.AsNoTracking().FirstOrDefaultAsync(v => v.DocumentId == id && v.Number == number, ct);
        var visible = version is not null
                      && (version.State is VersionState.Published or VersionState.Superseded || DocumentRules.MayAuthor(caller, document.Country));
        return (document, visible ? version : null);
    }
}
