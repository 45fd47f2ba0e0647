using MenSI.ServiceDefaults;
using MenSI.Clusters.Clusters;
using MenSI.ServiceDefaults.Http;

namespace MenSI.Clusters.Activities;

/// <summary>What a logged activity must satisfy: the body's own shape (400), and its fit with the cluster (422, named).</summary>
public static class ActivityRules
{
    public const int MaxOutcomesLength = 4000;
    public const int MaxParticipants = 50;
    public const int MaxStaffPerSchool = 1000;
    public const int MaxEvidenceLinks = 20;
    public const int MaxLinkLength = 500;
    public const decimal MaxDurationHours = 24;
    public const decimal MaxCostLine = 1_000_000;

    public static void CheckCosts(ActivityCostsRequest? costs, IDictionary<string, string[]> errors)
    {
        if (costs is null)
        {
            errors["costs"] = ["Required: staffHours, travelEuro, substitutionEuro, materialsEuro and otherEuro (0 where there was none)."];
            return;
        }

        Line("costs.staffHours", costs.StaffHours);
        Line("costs.travelEuro", costs.TravelEuro);
        Line("costs.substitutionEuro", costs.SubstitutionEuro);
        Line("costs.materialsEuro", costs.MaterialsEuro);
        Line("costs.otherEuro", costs.OtherEuro);

        void Line(string field, decimal? value)
        {
            if (value is null) errors[field] = ["Required (0 where there was none)."];
            else if (value < 0) errors[field] = ["Must not be negative."];
            else if (value > MaxCostLine) errors[field] = [$"Must be at most {MaxCostLine:N0}."];
            else if (decimal.Round(value.Value, 2) != value) errors[field] = ["At most two decimals."];
        }
    }

    public static void CheckParticipants(IReadOnlyList<ParticipantRequest>? participants, IDictionary<string, string[]> errors)
    {
        if (participants is not { Count: > 0 })
        {
            errors["participants"] = ["At least one participating school, with its number of staff."];
            return;
        }

        if (participants.Count > MaxParticipants) errors["participants"] = [$"At most {MaxParticipants} schools."];
        for (var i = 0; i < participants.Count; i++)
        {
            if (participants[i].SchoolId is null || participants[i].SchoolId == Guid.Empty) errors[$"participants[{i}].schoolId"] = ["Required."];
            if (participants[i].Staff is not (>= 1 and <= MaxStaffPerSchool)) errors[$"participants[{i}].staff"] = [$"Must be 1 to {MaxStaffPerSchool}."];
        }

        if (participants.Select(p => p.SchoolId).Distinct().Count() != participants.Count) errors["participants"] = ["Each school once."];
    }

    public static void CheckEvidence(IReadOnlyList<string>? links, IDictionary<string, string[]> errors)
    {
        links ??= [];
        if (links.Count > MaxEvidenceLinks) errors["evidenceLinks"] = [$"At most {MaxEvidenceLinks} links."];
        for (var i = 0; i < links.Count; i++)
        {
            if (!WebAddress.IsValid(links[i], MaxLinkLength))
            {
                errors[$"evidenceLinks[{i}]"] = [$"Must be an absolute http(s) address of at most {MaxLinkLength} characters."];
            }
        }
    }

    /// <summary>The activity must fall within the cluster's life and involve only schools that were in it on that day.</summary>
    public static RuleViolation? WhyNotLog(Cluster cluster, DateOnly heldOn, IEnumerable<Guid> schoolIds, DateOnly today)
    {
        var end = cluster.EndedOn ?? today;
        if (heldOn < cluster.FormedOn || heldOn > end)
        {
            return new("date-within-cluster-life", $"The cluster's life runs from {cluster.FormedOn:yyyy-MM-dd} to {end:yyyy-MM-dd}; the activity is dated {heldOn:yyyy-MM-dd}.",
                Microsoft.AspNetCore.Http.StatusCodes.Status422UnprocessableEntity);
        }

        var strangers = schoolIds.Where(id => !cluster.Members.Any(m => m.SchoolId == id && WasMemberOn(m, heldOn))).ToList();
        return strangers.Count == 0 ? null
            : new("participants-must-be-members", $"Not in the cluster on {heldOn:yyyy-MM-dd}: {string.Join(", ", strangers)}.",
                Microsoft.AspNetCore.Http.StatusCodes.Status422UnprocessableEntity);
    }

    private static bool WasMemberOn(ClusterMember member, DateOnly day) =>
        DateOnly.FromDateTime(member.JoinedAt.UtcDateTime) <= day && (member.LeftAt is not { } left || DateOnly.FromDateTime(left.UtcDateTime) >= day);
}
