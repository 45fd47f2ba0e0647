using System.Text.Json.Serialization;
using MenSI.Registry.Schools;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Registry.Contacts;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ContactRequest(string? Name, string? Email, string? Function, bool? Consent);

public sealed record ContactResponse(Guid Id, Guid SchoolId, string? Name, string? Email, string? Function, DateTimeOffset ConsentedAt,
    DateTimeOffset CreatedAt, bool Erased, DateTimeOffset? ErasedAt)
{
    public static ContactResponse Of(ContactPerson c) => new(c.Id, c.SchoolId, c.Name, c.Email, c.Function, c.ConsentedAt, c.CreatedAt, c.IsErased, c.ErasedAt);
}

/// <summary>
/// Contact persons, for those who may edit the school: listed, added with consent, exported (everything the Registry
/// holds about the person, on their request) and erased.
/// </summary>
public static class ContactEndpoints
{
    public static void MapContactEndpoints(this IEndpointRouteBuilder app)
    {
        var contacts = app.MapGroup(SchoolEndpoints.Route + "/{id:guid}/contacts").WithTags("Contact persons").RequireAuthorization(Policies.SchoolStaff);
        contacts.MapGet("/", List).WithName("ListContacts");
        contacts.MapPost("/", Add).WithName("AddContact").WithIdempotency(Idempotency.ReplayBody.Never);
        contacts.MapGet("/{contactId:guid}/export", Export).WithName("ExportContact");
        contacts.MapDelete("/{contactId:guid}", Erase).WithName("EraseContact");
    }

    private static async Task<ProblemHttpResult?> CheckAsync(Guid schoolId, Caller caller, ResourceAccess access, RegistryDbContext db, string action,
        CancellationToken cancellationToken)
    {
        var school = await db.Schools.AsNoTracking().Where(s => s.Id == schoolId).Select(s => new { s.Id, s.Country }).FirstOrDefaultAsync(cancellationToken);
        if (school is null) return Problems.NotFound("School", schoolId);
        return access.Check(caller, caller.MayEditSchool(school.Id, school.Country), action, $"the contact persons of school {schoolId}");
    }

    internal static async Task<Results<Ok<Page<ContactResponse>>, ValidationProblem, ProblemHttpResult>> List(
        Guid id, int? page, int? pageSize, Caller caller, ResourceAccess access, RegistryDbContext db, CancellationToken cancellationToken)
    {
        if (await CheckAsync(id, caller, access, db, "read", cancellationToken) is { } refused) return refused;
        var paging = new PageQuery(page, pageSize);
        if (paging.Problem() is { } invalid) return invalid;
        return TypedResults.Ok(await db.ContactPersons.AsNoTracking().Where(c => c.SchoolId == id)
            .ToPageAsync(q => q.OrderBy(c => c.Id), paging, ContactResponse.Of, cancellationToken));
    }

    internal static async Task<Results<Created<ContactResponse>, ValidationProblem, ProblemHttpResult>> Add(
        Guid id, ContactRequest request, Caller caller, ResourceAccess access, RegistryDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await CheckAsync(id, caller, access, db, "add to", cancellationToken) is { } refused) return refused;
        var errors = new Dictionary<string, string[]>();
        ContactRules.Check("", request.Name, request.Email, request.Function, request.Consent, errors);
        if (errors.Count > 0) return Problems.Validation(errors);

        var contact = ContactPerson.Add(id, request.Name!.Trim(), request.Email!.Trim(), string.IsNullOrWhiteSpace(request.Function) ? null : request.Function.Trim(), clock.GetUtcNow());
        db.ContactPersons.Add(contact);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"{SchoolEndpoints.Route}/{id}/contacts/{contact.Id}", ContactResponse.Of(contact));
    }

    /// <summary>The person's data as a downloadable JSON document (GDPR right of access and portability).</summary>
    internal static async Task<Results<Ok<ContactResponse>, ProblemHttpResult>> Export(
        Guid id, Guid contactId, Caller caller, ResourceAccess access, RegistryDbContext db, HttpResponse response, CancellationToken cancellationToken)
    {
        if (await CheckAsync(id, caller, access, db, "export", cancellationToken) is { } refused) return refused;
        var contact = await db.ContactPersons.AsNoTracking().FirstOrDefaultAsync(c => c.Id == contactId && c.SchoolId == id, cancellationToken);
        if (contact is null) return Problems.NotFound("Contact person", contactId);
        response.Headers.ContentDisposition = $"attachment; filename=\"contact-{contactId}.json\"";
        return TypedResults.Ok(ContactResponse.Of(contact));
    }

    /// <summary>Erasure (GDPR right to be forgotten): the personal fields are blanked at once; repeating it is harmless.</summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> Erase(
        Guid id, Guid contactId, Caller caller, ResourceAccess access, RegistryDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await CheckAsync(id, caller, access, db, "erase", cancellationToken) is { } refused) return refused;
        var contact = await db.ContactPersons.FirstOrDefaultAsync(c => c.Id == contactId && c.SchoolId == id, cancellationToken);
        if (contact is null) return Problems.NotFound("Contact person", contactId);
        contact.Erase(clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }
}
