using MenSI.ServiceDefaults.Data;
using MenSI.ServiceDefaults;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Messaging;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Registry.Schools;

public static class SchoolEndpoints
{
    public const string Route = "/api/v1/schools";

    public static void MapSchoolEndpoints(this IEndpointRouteBuilder app)
    {
        var schools = app.MapGroup(Route).WithTags("Schools");
        // The directory is public (no personal data in it); changes follow the security model.
        schools.MapGet("/", ListSchools).WithName("ListSchools")
            .Describe(new()
            {
                ["role"] = $"Only schools with this role in the network: {WireEnum.Values<NetworkRole>()}.",
                ["status"] = $"Only schools with this status: {WireEnum.Values<SchoolStatus>()}.",
                ["level"] = $"Only schools teaching at this level: {WireEnum.Values<EducationLevel>()}.",
                ["name"] = "Only schools whose name contains these words (any case, any accents).",
                ["sort"] = "name (the default), country or createdAt; prefix with '-' for the reverse order.",
            }).AllowAnonymous();
        schools.MapGet("/{id:guid}", GetSchool).WithName("GetSchool").AllowAnonymous();
        schools.MapPost("/", RegisterSchool).WithName("RegisterSchool").WithIdempotency().RequireAuthorization(Policies.Ministry);
        schools.MapPut("/{id:guid}", UpdateSchoolProfile).WithName("UpdateSchoolProfile").RequireAuthorization(Policies.SchoolStaff);
    }

    private static readonly Dictionary<string, Func<IQueryable<School>, bool, IOrderedQueryable<School>>> Orders = new(StringComparer.Ordinal)
    {
        ["name"] = (q, desc) => desc ? q.OrderByDescending(s => s.Name).ThenByDescending(s => s.Id) : q.OrderBy(s => s.Name).ThenBy(s => s.Id),
        ["country"] = (q, desc) => desc ? q.OrderByDescending(s => s.Country).ThenByDescending(s => s.Name).ThenByDescending(s => s.Id)
                                        : q.OrderBy(s => s.Country).ThenBy(s => s.Name).ThenBy(s => s.Id),
        ["createdAt"] = (q, desc) => desc ? q.OrderByDescending(s => s.Id) : q.OrderBy(s => s.Id), // UUID v7 ids sort by creation
    };

    internal static async Task<Results<Ok<Page<SchoolResponse>>, ValidationProblem>> ListSchools(
        [AsParameters] SchoolListQuery query, RegistryDbContext db, IServiceScopeFactory scopes, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var paging = new PageQuery(query.Page, query.PageSize);
        paging.Validate(errors);
        var role = WireEnum.ParseFilter<NetworkRole>(query.Role, "role", errors);
        var status = WireEnum.ParseFilter<SchoolStatus>(query.Status, "status", errors);
        var level = WireEnum.ParseFilter<EducationLevel>(query.Level, "level", errors);
        var country = query.Country?.Trim().ToUpperInvariant();
        if (country is { Length: > 0 } && !Countries.IsEuropean(country)) errors["country"] = [Countries.Invalid];
        if (query.Name is { Length: > 200 }) errors["name"] = ["Must be at most 200 characters."];
        var sort = query.Sort ?? "name";
        var descending = sort.StartsWith('-');
        if (!Orders.TryGetValue(sort.TrimStart('-'), out var order)) errors["sort"] = [$"Must be one of: {string.Join(", ", Orders.Keys)}, optionally prefixed with '-'."];
        if (errors.Count > 0) return Problems.Validation(errors);

        IQueryable<School> Filtered(RegistryDbContext context)
        {
            var schools = context.Schools.AsNoTracking();
            if (country is { Length: > 0 }) schools = schools.Where(s => s.Country == country);
            if (role is { } r) schools = schools.Where(s => s.NetworkRole == r);
            if (status is { } st) schools = schools.Where(s => s.Status == st);
            if (level is { } l) schools = schools.Where(s => s.EducationLevels.Contains(l));
            if (!string.IsNullOrWhiteSpace(query.Name)) schools = schools.WhereNameMatches(query.Name);
            return schools;
        }

        // The count and the page's ids do not depend on each other: asked at once on two connections, the answer waits for
        // the slower of the two, not for their sum (a word a third of all schools share: ~10 ms to count, ~25 ms to page).
        // The page's ids first, then its rows: in name order the index holds the search key too, so finding the ids is an
        // index-only scan that never reads the rows it skips (a common word skips many); only the 20 found are read.
        await using var countScope = scopes.CreateAsyncScope();
        var counting = Filtered(countScope.ServiceProvider.GetRequiredService<RegistryDbContext>()).CountCappedAsync(cancellationToken);
        var finding = order!(Filtered(db), descending).Skip(paging.Skip).Take(paging.Size).Select(s => s.Id).ToListAsync(cancellationToken);
        await Task.WhenAll(counting, finding);
        var ((total, capped), ids) = (counting.Result, finding.Result);
        var rows = await db.Schools.AsNoTracking().Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, cancellationToken);
        var items = ids.Where(rows.ContainsKey).Select(id => SchoolResponse.From(rows[id])).ToList();
        return TypedResults.Ok(new Page<SchoolResponse>(items, paging.PageNumber, paging.Size, total, capped));
    }

    internal static async Task<Results<Ok<SchoolResponse>, ProblemHttpResult>> GetSchool(
        Guid id, RegistryDbContext db, HttpResponse response, CancellationToken cancellationToken)
    {
        var school = await db.Schools.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (school is null) return Problems.NotFound("School", id);
        ETags.Set(response, school.Version);
        return TypedResults.Ok(SchoolResponse.From(school));
    }

    internal static async Task<Results<Created<SchoolResponse>, ValidationProblem, ProblemHttpResult>> RegisterSchool(
        CreateSchoolRequest request, Caller caller, ResourceAccess access, RegistryDbContext db, TimeProvider clock, HttpResponse response,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var (country, nationalId) = NationalIds.CheckIdentity(request.Country, request.NationalId, errors);
        // A ministry officer registers schools of its own country only; refused before the rest of the body is judged.
        if (!errors.ContainsKey("country") && access.Check(caller, caller.MayManageCountry(country), "register a school in", country) is { } denied) return denied;

        var profile = request.ToProfile();
        SchoolProfileRules.Check(profile, errors);
        if (errors.Count > 0) return Problems.Validation(errors);

        var existing = await db.Schools.AsNoTracking()
            .Where(s => s.Country == country && s.NationalId == nationalId).Select(s => (Guid?)s.Id).FirstOrDefaultAsync(cancellationToken);
        if (existing is { } existingId) return DuplicateNationalId(country, nationalId, existingId);

        var school = School.Register(country, nationalId, profile, clock.GetUtcNow());
        db.Schools.Add(school);
        db.AddIntegrationEvent(school.ToRegisteredEvent());
        if (await db.SaveOrDuplicateAsync(cancellationToken) is not null)
        {
            // Lost a race with a concurrent registration of the same school: same answer as the check above.
            var winner = await db.Schools.AsNoTracking().Where(s => s.Country == country && s.NationalId == nationalId).Select(s => s.Id).FirstAsync(cancellationToken);
            return DuplicateNationalId(country, nationalId, winner);
        }

        ETags.Set(response, school.Version);
        return TypedResults.Created($"{Route}/{school.Id}", SchoolResponse.From(school));
    }

    internal static async Task<Results<Ok<SchoolResponse>, ValidationProblem, ProblemHttpResult>> UpdateSchoolProfile(
        Guid id, SchoolProfileRequest request, Caller caller, ResourceAccess access, RegistryDbContext db, TimeProvider clock,
        HttpRequest httpRequest, HttpResponse response, CancellationToken cancellationToken)
    {
        var school = await db.Schools.FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (school is null) return Problems.NotFound("School", id);
        if (access.Check(caller, caller.MayEditSchool(school.Id, school.Country), "update", $"school {school.Id}") is { } denied) return denied;
        if (ETags.CheckIfMatch(httpRequest, school.Version) is { } precondition) return precondition;

        var errors = new Dictionary<string, string[]>();
        var profile = request.ToProfile();
        SchoolProfileRules.Check(profile, errors);
        if (errors.Count > 0) return Problems.Validation(errors);

        var changed = school.UpdateProfile(profile, clock.GetUtcNow());
        if (changed.Count > 0)
        {
            db.AddIntegrationEvent(school.ToProfileUpdatedEvent(changed));
            await db.SaveChangesAsync(cancellationToken); // a concurrent writer makes this a 412 (Version is the concurrency token)
        }

        ETags.Set(response, school.Version);
        return TypedResults.Ok(SchoolResponse.From(school));
    }

    private static ProblemHttpResult DuplicateNationalId(string country, string nationalId, Guid existingId) =>
        Problems.Conflict(ProblemTypes.Duplicate, "A school with this national identifier exists.",
            $"{country} already has a school with national identifier {nationalId}.",
            new Dictionary<string, object?> { ["existingSchoolId"] = existingId });
}
