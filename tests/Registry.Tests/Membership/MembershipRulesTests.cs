using MenSI.Registry.Membership;
using MenSI.Registry.Schools;
using Xunit;

namespace MenSI.Registry.Tests.Membership;

public class MembershipRulesTests
{
    [Theory]
    [InlineData(SchoolStatus.Applicant, SchoolStatus.Active)]
    [InlineData(SchoolStatus.Applicant, SchoolStatus.Withdrawn)]
    [InlineData(SchoolStatus.Active, SchoolStatus.Suspended)]
    [InlineData(SchoolStatus.Active, SchoolStatus.Withdrawn)]
    [InlineData(SchoolStatus.Suspended, SchoolStatus.Active)]
    [InlineData(SchoolStatus.Suspended, SchoolStatus.Withdrawn)]
    [InlineData(SchoolStatus.Withdrawn, SchoolStatus.Applicant)]
    public void Allowed_status_moves(SchoolStatus from, SchoolStatus to) => Assert.Null(MembershipRules.WhyNotStatus(from, to));

    [Theory]
    [InlineData(SchoolStatus.Applicant, SchoolStatus.Suspended, "from applicant to suspended")]
    [InlineData(SchoolStatus.Withdrawn, SchoolStatus.Active, "from withdrawn to active")]
    [InlineData(SchoolStatus.Active, SchoolStatus.Applicant, "from active to applicant")]
    [InlineData(SchoolStatus.Active, SchoolStatus.Active, "already active")]
    public void Refused_status_moves_say_why(SchoolStatus from, SchoolStatus to, string because) =>
        Assert.Contains(because, MembershipRules.WhyNotStatus(from, to), StringComparison.Ordinal);

    [Fact]
    public void Every_status_can_be_left() =>
        Assert.All(Enum.GetValues<SchoolStatus>(), s => Assert.NotEmpty(MembershipRules.NextStatuses(s)));

    [Theory]
    [InlineData(SchoolStatus.Applicant, NetworkRole.None, NetworkRole.Mentor, true)]
    [InlineData(SchoolStatus.Active, NetworkRole.Mentor, NetworkRole.Mentee, true)]
    [InlineData(SchoolStatus.Suspended, NetworkRole.Mentee, NetworkRole.None, true)]
    [InlineData(SchoolStatus.Withdrawn, NetworkRole.None, NetworkRole.Mentee, false)]
    [InlineData(SchoolStatus.Withdrawn, NetworkRole.Mentor, NetworkRole.None, true)]
    [InlineData(SchoolStatus.Active, NetworkRole.Mentor, NetworkRole.Mentor, false)]
    public void Roles_need_membership(SchoolStatus status, NetworkRole from, NetworkRole to, bool allowed) =>
        Assert.Equal(allowed, MembershipRules.WhyNotRole(status, from, to) is null);
}
