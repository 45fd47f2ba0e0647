namespace MenSI.Contracts.Registry;

/// <summary>A school entered the registry. Exchange <c>mensi.registry.school-registered</c>.</summary>
/// <param name="SchoolId">The Registry's id of the school (UUID v7).</param>
/// <param name="Country">ISO 3166-1 alpha-2 code.</param>
/// <param name="NationalIdScheme">The national identifier's scheme, e.g. <c>om-azonosito</c>.</param>
/// <param name="NationalId">The identifier, unique within its country.</param>
/// <param name="Version">Per-school version; consumers ignore an event older than what they hold.</param>
public sealed record SchoolRegistered(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid SchoolId,
    string Country,
    // Hungary's first: the documented example is a Hungarian school, and takes the first value.
    [property: OneOf("om-azonosito", "instellingsnummer", "e-matica", "red-izo", "codice-meccanografico", "codigo-escola", "national")] string NationalIdScheme,
    string NationalId,
    string Name,
    [property: OneOf("none", "mentor", "mentee")] string NetworkRole,
    [property: OneOf("applicant", "active", "suspended", "withdrawn")] string Status,
    int Version) : IIntegrationEvent;

/// <summary>A school's public profile changed. Exchange <c>mensi.registry.school-profile-updated</c>.</summary>
/// <param name="ChangedFields">The camelCase names of the profile fields that changed.</param>
/// <param name="Name">The name after the change.</param>
public sealed record SchoolProfileUpdated(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid SchoolId,
    string Country,
    string Name,
    IReadOnlyList<string> ChangedFields,
    int Version) : IIntegrationEvent;

/// <summary>A school's network role changed. Exchange <c>mensi.registry.school-role-assigned</c>.</summary>
/// <remarks>A network admin or the country's ministry officer gave the school another network role. The reason stays in the Registry's history (free text may name people); the event carries the facts.</remarks>
/// <param name="PreviousRole">none, mentor or mentee: the role before.</param>
/// <param name="NetworkRole">none, mentor or mentee: the role now.</param>
/// <param name="Status">The school's status now (unchanged by this event), so a consumer's snapshot is complete.</param>
/// <param name="Version">Per-school version; consumers ignore an event older than what they hold.</param>
public sealed record SchoolRoleAssigned(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid SchoolId,
    string Country,
    [property: OneOf("none", "mentor", "mentee")] string PreviousRole,
    [property: OneOf("none", "mentor", "mentee")] string NetworkRole,
    [property: OneOf("applicant", "active", "suspended", "withdrawn")] string Status,
    int Version) : IIntegrationEvent;

/// <summary>A school's status changed (accepted, suspended, reinstated, withdrawn). Exchange <c>mensi.registry.school-status-changed</c>.</summary>
/// <remarks>Allowed moves: applicant → active or withdrawn; active → suspended or withdrawn; suspended → active or withdrawn; withdrawn → applicant.</remarks>
/// <param name="PreviousStatus">applicant, active, suspended or withdrawn: the status before.</param>
/// <param name="Status">The status now.</param>
/// <param name="NetworkRole">The school's role now, so a consumer's snapshot is complete.</param>
/// <param name="Version">Per-school version; consumers ignore an event older than what they hold.</param>
public sealed record SchoolStatusChanged(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid SchoolId,
    string Country,
    [property: OneOf("applicant", "active", "suspended", "withdrawn")] string PreviousStatus,
    [property: OneOf("applicant", "active", "suspended", "withdrawn")] string Status,
    [property: OneOf("none", "mentor", "mentee")] string NetworkRole,
    int Version) : IIntegrationEvent;

/// <summary>A school applied to join the open network. Exchange <c>mensi.registry.school-application-submitted</c>.</summary>
/// <remarks>The applicant's contact person is personal data and stays in the Registry.</remarks>
/// <param name="ApplicationId">The application's id (UUID v7).</param>
/// <param name="NationalId">The applying school's identifier in its country's scheme.</param>
/// <param name="SchoolId">The school's id when it is already in the registry (a returning or imported school); otherwise null.</param>
public sealed record SchoolApplicationSubmitted(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid ApplicationId,
    string Country,
    string NationalId,
    [property: OneOf("mentor", "mentee")] string RequestedRole,
    Guid? SchoolId) : IIntegrationEvent;

/// <summary>
/// A ministry officer or network admin accepted or rejected an application. Exchange
/// <c>mensi.registry.school-application-decided</c>. An acceptance also publishes the school's own events
/// (registered, status changed to active, role assigned).
/// </summary>
/// <remarks>The school's own events come in the same transaction (<c>school-registered</c> only when the school is new).</remarks>
/// <param name="SchoolId">The school, when accepted.</param>
public sealed record SchoolApplicationDecided(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid ApplicationId,
    string Country,
    [property: OneOf("accepted", "rejected")] string Decision,
    Guid? SchoolId) : IIntegrationEvent;
