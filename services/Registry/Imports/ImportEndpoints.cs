using MenSI.Registry.Schools;
using MenSI.ServiceDefaults;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Messaging;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Registry.Imports;

/// <summary>What an import did (or, in a dry run, would do): counts, and each rejected row's line, field and reason.</summary>
public sealed record ImportReport(bool DryRun, string Country, int Rows, int Created, int Updated, int Unchanged, int Rejected,
    IReadOnlyList<RowError> Errors, bool ErrorsTruncated);

/// <summary>
/// Bulk import of a national registry (CSV or JSON) for one country: upsert by national identifier, so importing the
/// same file twice changes nothing the second time. Rows stream through in batches of <see cref="BatchSize"/> (memory
/// stays bounded whatever the file's size), all in one transaction with their events: valid rows are applied and
/// invalid ones rejected with reasons, and a file that cannot be read to its end (broken JSON, bytes that are not UTF-8,
/// a dropped connection) changes nothing at all.
/// </summary>
public static class ImportEndpoints
{
    public const int BatchSize = 1_000;
    public const int MaxReportedErrors = 1_000;
    public const long MaxFileBytes = 256L * 1024 * 1024;

    public static void MapImportEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost(SchoolEndpoints.Route + "/imports", Import).WithTags("Bulk import").WithName("ImportSchools")
            .Describe(new()
            {
                ["country"] = "Required: the registry's country (ISO 3166-1 alpha-2, e.g. HU); every row is a school of it.",
                ["dryRun"] = "true: check every row and report what would change, changing nothing.",
            })
            .RequireAuthorization(Policies.Ministry)
            .WithRequestBodyLimit(MaxFileBytes)
            .Accepts<string>("text/csv", "application/json");

    internal static async Task<Results<Ok<ImportReport>, ValidationProblem, ProblemHttpResult>> Import(
        string? country, bool? dryRun, HttpRequest request, Caller caller, ResourceAccess access, RegistryDbContext db, TimeProvider clock,
        OutboxSignal outbox, CancellationToken cancellationToken)
    {
        var code = country?.Trim().ToUpperInvariant() ?? "";
        if (!Countries.IsEuropean(code))
            return Problems.Validation(new Dictionary<string, string[]> { ["country"] = ["Required: the ISO 3166-1 alpha-2 code of the registry's country, e.g. HU."] });
        if (access.Check(caller, caller.MayManageCountry(code), "import schools of", code) is { } denied) return denied;

        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        var rows = mediaType switch
        {
            "text/csv" => ImportRows.ReadCsvAsync(request.Body, cancellationToken),
            "application/json" => ImportRows.ReadJsonAsync(request.Body, cancellationToken),
            _ => null,
        };
        if (rows is null)
        {
            return Problems.Problem(StatusCodes.Status415UnsupportedMediaType, ProblemTypes.UnsupportedMediaType, "Unsupported file type.",
                "Send the file as text/csv or application/json.");
        }

        var run = new ImportRun(code, dryRun ?? false, db, clock);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            await run.RunAsync(rows, cancellationToken);
        }
        catch (ImportFormatException e)
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["file"] = [e.Message] }, "The file cannot be read; nothing was imported.");
        }

        await transaction.CommitAsync(cancellationToken);
        outbox.Notify();
        return TypedResults.Ok(run.Report());
    }

    /// <summary>One import's state: counts, the identifiers seen (a file must not name a school twice), the reasons.</summary>
    private sealed class ImportRun(string country, bool dryRun, RegistryDbContext db, TimeProvider clock)
    {
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
        private readonly List<RowError> _errors = [];
        private readonly List<ImportedSchool> _batch = new(BatchSize);
        private int _rows, _created, _updated, _unchanged, _rejectedRows, _errorCount;

        public async Task RunAsync(IAsyncEnumerable<ImportRow> rows, CancellationToken cancellationToken)
        {
            await foreach (var row in rows)
            {
                _rows++;
                var rowErrors = new List<RowError>();
                var school = ImportValidation.Check(row, country, rowErrors);
                if (school is not null && !_seen.Add(school.NationalId))
                {
                    rowErrors.Add(new RowError(row.Line, "nationalId", $"{school.NationalId} appears earlier in the file."));
                    school = null;
                }

                if (school is null)
                {
                    Reject(rowErrors);
                    continue;
                }

                _batch.Add(school);
                if (_batch.Count == BatchSize) await FlushAsync(cancellationToken);
            }

            await FlushAsync(cancellationToken);
        }

        private void Reject(List<RowError> rowErrors)
        {
            _rejectedRows++;
            _errorCount += rowErrors.Count;
            foreach (var error in rowErrors.Take(MaxReportedErrors - _errors.Count)) _errors.Add(error);
        }

        private async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (_batch.Count == 0) return;
            var ids = _batch.Select(s => s.NationalId).ToList();
            var existing = await db.Schools.Where(s => s.Country == country && ids.Contains(s.NationalId)).ToDictionaryAsync(s => s.NationalId, cancellationToken);
            var now = clock.GetUtcNow();
            foreach (var row in _batch)
            {
                if (!existing.TryGetValue(row.NationalId, out var school))
                {
                    _created++;
                    if (dryRun) continue;
                    school = School.Register(country, row.NationalId, row.Profile, now);
                    db.Schools.Add(school);
                    db.AddIntegrationEvent(school.ToRegisteredEvent());
                }
                else if (school.Profile.ChangedFields(row.Profile).Count == 0)
                {
                    _unchanged++;
                }
                else
                {
                    _updated++;
                    if (dryRun) continue;
                    db.AddIntegrationEvent(school.ToProfileUpdatedEvent(school.UpdateProfile(row.Profile, now)));
                }
            }

            if (!dryRun) await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear(); // what was saved is not needed again: memory stays one batch deep
            _batch.Clear();
        }

        public ImportReport Report() =>
            new(dryRun, country, _rows, _created, _updated, _unchanged, _rejectedRows, _errors, _errorCount > _errors.Count);
    }
}
