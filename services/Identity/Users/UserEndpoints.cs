using MenSI.ServiceDefaults.Data;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Identity.Users;

/// <summary>User administration: network admins only (DESIGN.md, security model).</summary>
public static class UserEndpoints
{
    public const string Route = "/api/v1/users";

    public static void MapUserEndpoints(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup(Route).WithTags("Users").RequireAuthorization(Policies.NetworkAdmin);
        users.MapGet("/", ListUsers).WithName("ListUsers")
            .Describe(new()
            {
                ["role"] = "Only users with this role: network-admin, ministry-officer, school-coordinator, teacher or course-manager.",
                ["email"] = "Only the user with this email address (any case).",
            });
        users.MapGet("/{id:guid}", GetUser).WithName("GetUser");
        users.MapPost("/", CreateUser).WithName("CreateUser").WithIdempotency(Idempotency.ReplayBody.Never);
        users.MapPut("/{id:guid}", UpdateUser).WithName("UpdateUser");
        users.MapPost("/{id:guid}/unlock", UnlockUser).WithName("UnlockUser");
        users.MapDelete("/{id:guid}", EraseUser).WithName("EraseUser");
    }

    internal static async Task<Results<Ok<Page<UserResponse>>, ValidationProblem>> ListUsers(
        [AsParameters] UserListQuery query, IdentityDbContext db, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var paging = new PageQuery(query.Page, query.PageSize);
        paging.Validate(errors);
        if (query.Role is { } role && !Roles.All.Contains(role)) errors["role"] = [$"Must be one of: {string.Join(", ", Roles.All)}."];
        if (errors.Count > 0) return Problems.Validation(errors);

        var users = db.Users.AsNoTracking();
        if (query.Role is { } r) users = users.Where(u => u.Roles.Contains(r));
        var country = query.Country?.Trim().ToUpperInvariant();
        var email = query.Email is null ? null : User.NormaliseEmail(query.Email);
        if (!string.IsNullOrEmpty(country)) users = users.Where(u => u.Country == country);
        if (!string.IsNullOrEmpty(email)) users = users.Where(u => u.Email == email);
        return TypedResults.Ok(await users.ToPageAsync(q => q.OrderBy(u => u.Email).ThenBy(u => u.Id), paging, UserResponse.From, cancellationToken));
    }

    internal static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> GetUser(
        Guid id, IdentityDbContext db, HttpResponse response, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null) return Problems.NotFound("User", id);
        ETags.Set(response, user.Version);
        return TypedResults.Ok(UserResponse.From(user));
    }

    internal static async Task<Results<Created<UserResponse>, ValidationProblem, ProblemHttpResult>> CreateUser(
        CreateUserRequest request, IdentityDbContext db, IPasswordHasher<User> hasher, TimeProvider clock, HttpResponse response,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        UserRules.CheckEmail(request.Email, errors);
        UserRules.CheckPassword(request.Password, errors, required: true);
        var details = UserRules.Check(request.DisplayName, request.Roles, request.Country, request.SchoolId, errors);
        if (details is null || errors.Count > 0) return Problems.Validation(errors);

        var user = User.Create(details, request.Email!, clock.GetUtcNow());
        user.SetPasswordHash(hasher.HashPassword(user, request.Password!));
        db.Users.Add(user);
        if (await db.SaveOrDuplicateAsync(cancellationToken) is not null)
        {
            return Problems.Conflict(ProblemTypes.Duplicate, "A user with this email exists.", "Each email signs in one user.");
        }

        ETags.Set(response, user.Version);
        return TypedResults.Created($"{Route}/{user.Id}", UserResponse.From(user));
    }

    internal static async Task<Results<Ok<UserResponse>, ValidationProblem, ProblemHttpResult>> UpdateUser(
        Guid id, UserDetailsRequest request, IdentityDbContext db, IPasswordHasher<User> hasher, TimeProvider clock,
        HttpRequest httpRequest, HttpResponse response, CancellationToken cancellationToken)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null) return Problems.NotFound("User", id);
        if (ETags.CheckIfMatch(httpRequest, user.Version) is { } precondition) return precondition;

        var errors = new Dictionary<string, string[]>();
        UserRules.CheckPassword(request.Password, errors, required: false);
        var details = UserRules.Check(request.DisplayName, request.Roles, request.Country, request.SchoolId, errors);
        if (details is null || errors.Count > 0) return Problems.Validation(errors);

        user.Apply(details, clock.GetUtcNow());
        if (request.Password is { } password) user.SetPasswordHash(hasher.HashPassword(user, password));
        await db.SaveChangesAsync(cancellationToken);
        ETags.Set(response, user.Version);
        return TypedResults.Ok(UserResponse.From(user));
    }

    internal static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> UnlockUser(
        Guid id, IdentityDbContext db, TimeProvider clock, HttpResponse response, CancellationToken cancellationToken)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null) return Problems.NotFound("User", id);
        user.Unlock(clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        ETags.Set(response, user.Version);
        return TypedResults.Ok(UserResponse.From(user));
    }

    /// <summary>Erasure on request (GDPR): the row goes, and with it every personal field; tokens already issued expire.</summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> EraseUser(Guid id, IdentityDbContext db, CancellationToken cancellationToken)
    {
        var erased = await db.Users.Where(u => u.Id == id).ExecuteDeleteAsync(cancellationToken);
        return erased == 0 ? Problems.NotFound("User", id) : TypedResults.NoContent();
    }
}
