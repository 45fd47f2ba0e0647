using MenSI.Registry.Schools;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Messaging;

namespace MenSI.Registry.Membership;

/// <summary>
/// Applies a membership move the caller has already checked against <see cref="MembershipRules"/>: the change, its
/// history entry and its event, added to the same unit of work (saved together, or not at all).
/// </summary>
public static class SchoolMoves
{
    public static void ChangeStatus(RegistryDbContext db, School school, SchoolStatus to, string reason, string changedBy, DateTimeOffset now)
    {
        var from = WireEnum.Name(school.Status);
        db.AddIntegrationEvent(school.ChangeStatus(to, now));
        db.SchoolChanges.Add(SchoolChange.Record(school.Id, ChangeKind.Status, from, WireEnum.Name(to), reason, changedBy, now, school.Version));
    }

    public static void AssignRole(RegistryDbContext db, School school, NetworkRole to, string reason, string changedBy, DateTimeOffset now)
    {
        var from = WireEnum.Name(school.NetworkRole);
        db.AddIntegrationEvent(school.AssignRole(to, now));
        db.SchoolChanges.Add(SchoolChange.Record(school.Id, ChangeKind.Role, from, WireEnum.Name(to), reason, changedBy, now, school.Version));
    }
}
