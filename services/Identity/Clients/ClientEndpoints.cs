using System.Security.Cryptography;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using MenSI.ServiceDefaults;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using OpenIddict.Abstractions;

namespace MenSI.Identity.Clients;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class CreateMachineClientRequest
{
    /// <summary>Lower-case letters, digits and dashes, 3 to 64 characters, e.g. <c>ministry-hu-registry</c>.</summary>
    public string? ClientId { get; init; }
    public string? DisplayName { get; init; }
    /// <summary>The country the system acts for, as a ministry officer of it.</summary>
    public string? Country { get; init; }
}

public sealed record MachineClientResponse(string ClientId, string? DisplayName, string? Role, string? Country, string ClientType);

/// <summary>The secret is shown once, on creation: only its hash is stored.</summary>
public sealed record CreatedMachineClientResponse(string ClientId, string DisplayName, string Role, string Country, string ClientSecret);

/// <summary>Machine clients of ministry systems (client credentials): network admins only.</summary>
public static partial class ClientEndpoints
{
    public const string Route = "/api/v1/clients";

    public static void MapClientEndpoints(this IEndpointRouteBuilder app)
    {
        var clients = app.MapGroup(Route).WithTags("Clients").RequireAuthorization(Policies.NetworkAdmin);
        clients.MapGet("/", ListClients).WithName("ListClients");
        clients.MapGet("/{clientId}", GetClient).WithName("GetClient");
        clients.MapPost("/", CreateClient).WithName("CreateClient").WithIdempotency(Idempotency.ReplayBody.Never);
        clients.MapDelete("/{clientId}", DeleteClient).WithName("DeleteClient");
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{2,63}$")]
    private static partial Regex ClientIdPattern();

    internal static async Task<Results<Ok<Page<MachineClientResponse>>, ValidationProblem>> ListClients(
        int? page, int? pageSize, IOpenIddictApplicationManager manager, CancellationToken cancellationToken)
    {
        var paging = new PageQuery(page, pageSize);
        if (paging.Problem() is { } invalid) return invalid;

        var items = new List<MachineClientResponse>();
        await foreach (var application in manager.ListAsync(paging.Size, (paging.PageNumber - 1) * paging.Size, cancellationToken))
        {
            items.Add(await DescribeAsync(manager, application, cancellationToken));
        }

        return TypedResults.Ok(new Page<MachineClientResponse>(items, paging.PageNumber, paging.Size, await manager.CountAsync(cancellationToken)));
    }

    internal static async Task<Results<Ok<MachineClientResponse>, ProblemHttpResult>> GetClient(
        string clientId, IOpenIddictApplicationManager manager, CancellationToken cancellationToken) =>
        await manager.FindByClientIdAsync(clientId, cancellationToken) is { } application
            ? TypedResults.Ok(await DescribeAsync(manager, application, cancellationToken))
            : Problems.NotFound("Client", clientId);

    internal static async Task<Results<Created<CreatedMachineClientResponse>, ValidationProblem, ProblemHttpResult>> CreateClient(
        CreateMachineClientRequest request, IOpenIddictApplicationManager manager, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var clientId = request.ClientId?.Trim() ?? "";
        if (!ClientIdPattern().IsMatch(clientId)) errors["clientId"] = ["Must be 3 to 64 lower-case letters, digits or dashes, starting with a letter or digit."];
        // Users' subjects are UUIDs and services tell people from machines by that (Caller.UserId).
        else if (Guid.TryParse(clientId, out _)) errors["clientId"] = ["Must not be a UUID: UUIDs name people."];
        var displayName = request.DisplayName?.Trim() ?? "";
        if (displayName.Length is 0 or > 100) errors["displayName"] = ["Required, at most 100 characters."];
        var country = request.Country?.Trim().ToUpperInvariant() ?? "";
        if (!Countries.IsEuropean(country)) errors["country"] = [Countries.Invalid];
        if (errors.Count > 0) return Problems.Validation(errors);

        if (await manager.FindByClientIdAsync(clientId, cancellationToken) is not null)
        {
            return Problems.Conflict(ProblemTypes.Duplicate, "A client with this id exists.", $"Choose another client id than '{clientId}'.");
        }

        var secret = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        await manager.CreateAsync(ClientDescriptors.MachineClient(clientId, displayName, country, secret), cancellationToken);
        return TypedResults.Created($"{Route}/{clientId}", new CreatedMachineClientResponse(clientId, displayName, Roles.MinistryOfficer, country, secret));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteClient(
        string clientId, IOpenIddictApplicationManager manager, CancellationToken cancellationToken)
    {
        if (await manager.FindByClientIdAsync(clientId, cancellationToken) is not { } application) return Problems.NotFound("Client", clientId);
        await manager.DeleteAsync(application, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<MachineClientResponse> DescribeAsync(IOpenIddictApplicationManager manager, object application, CancellationToken cancellationToken)
    {
        var (role, country) = await manager.MachineScopeAsync(application, cancellationToken);
        return new MachineClientResponse(
            await manager.GetClientIdAsync(application, cancellationToken) ?? "",
            await manager.GetDisplayNameAsync(application, cancellationToken),
            role, country,
            await manager.GetClientTypeAsync(application, cancellationToken) ?? "");
    }
}
