namespace MenSI.Contracts.Registry;

/// <summary>A school entered the registry. Exchange <c>mensi.registry.school-registered</c>.</summary>
/// <param name="SchoolId">The Registry's id of the school (UUID v7).</param>
/// <param name="Country">ISO 3166-1 alpha-2 code.</param>
/// <param name="NationalIdScheme">The national identifier's scheme, e.g. <c>om-azonosito</c>.</param>
/// <param name="NationalId">The identifier, unique within its country.</param>
/// <param name="NetworkRole">none, mentor or mentee.</param>
/// <param name="Status">applicant, active, suspended or withdrawn.</param>
/// <param name="Version">Per-school version; consumers ignore an event older than what they hold.</param>
public sealed record SchoolRegistered(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid SchoolId,
    string Country,
    string NationalIdScheme,
    string NationalId,
    string Name,
    string NetworkRole,
    string Status,
    int Version) : IIntegrationEvent;

/// <summary>A school's public profile changed. Exchange <c>mensi.registry.school-profile-updated</c>.</summary>
/// <param name="ChangedFields">The camelCase names of the profile fields that changed.</param>
public sealed record SchoolProfileUpdated(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid SchoolId,
    string Country,
    string Name,
    IReadOnlyList<string> ChangedFields,
    int Version) : IIntegrationEvent;

/// <summary>A school's network role changed. Exchange <c>mensi.registry.school-role-assigned</c>.</summary>
/// <param name="PreviousRole">none, mentor or mentee: the role before.</param>
/// <param name="NetworkRole">none, mentor or mentee: the role now.</param>
/// <param name="Status">The school's status now (unchanged by this event), so a consumer's snapshot is complete.</param>
/// <param name="Version">Per-school version; consumers ignore an event older than what they hold.</param>
public sealed record SchoolRoleAssigned(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid SchoolId,
    string Country,
    string PreviousRole,
    string NetworkRole,
    string Status,
    int Version) : IIntegrationEvent;

/// <summary>A school's status changed (accepted, suspended, reinstated, withdrawn). Exchange <c>mensi.registry.school-status-changed</c>.</summary>
/// <param name="PreviousStatus">applicant, active, suspended or withdrawn: the status before.</param>
/// <param name="Status">The status now.</param>
/// <param name="NetworkRole">The school's role now, so a consumer's snapshot is complete.</param>
/// <param name="Version">Per-school version; consumers ignore an event older than what they hold.</param>
public sealed record SchoolStatusChanged(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid SchoolId,
    string Country,
    string PreviousStatus,
    string Status,
    string NetworkRole,
    int Version) : IIntegrationEvent;

/// <summary>A school applied to join the open network. Exchange <c>mensi.registry.school-application-submitted</c>.</summary>
/// <param name="ApplicationId">The application's id (UUID v7).</param>
/// <param name="NationalId">The applying school's identifier in its country's scheme.</param>
/// <param name="RequestedRole">mentor or mentee.</param>
/// <param name="SchoolId">The school's id when it is already in the registry (a returning or imported school); otherwise null.</param>
public sealed record SchoolApplicationSubmitted(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid ApplicationId,
    string Country,
    string NationalId,
    string RequestedRole,
    Guid? SchoolId) : IIntegrationEvent;

/// <summary>
/// A ministry officer or network admin accepted or rejected an application. Exchange
/// <c>mensi.registry.school-application-decided</c>. An acceptance also publishes the school's own events
/// (registered, status changed to active, role assigned).
/// </summary>
/// <param name="Decision">accepted or rejected.</param>
/// <param name="SchoolId">The school, when accepted.</param>
public sealed record SchoolApplicationDecided(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid ApplicationId,
    string Country,
    string Decision,
    Guid? SchoolId) : IIntegrationEvent;
