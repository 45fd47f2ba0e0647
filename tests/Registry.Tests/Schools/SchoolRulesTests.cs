using MenSI.ServiceDefaults;
using MenSI.Contracts;
using MenSI.Contracts.Registry;
using MenSI.Registry.Schools;
using Xunit;

namespace MenSI.Registry.Tests.Schools;

/// <summary>Pure domain rules: no servers.</summary>
public class SchoolRulesTests
{
    [Theory]
    [InlineData("HU", "035221", null)]
    [InlineData("HU", "35221", "6 digits")]
    [InlineData("CZ", "600001234", null)]
    [InlineData("CZ", "60000123", "9 digits")]
    [InlineData("IT", "RMIC8A5007", null)]
    [InlineData("IT", "RMIC8A500", "10 letters")]
    [InlineData("PT", "123456", null)]
    [InlineData("BE", "31047", null)]
    [InlineData("BE", "1234567", "5 or 6 digits")]
    [InlineData("DE", "BY-1234/5", null)]
    [InlineData("DE", "-X", "1 to 40")]
    public void National_ids_follow_the_scheme_of_their_country(string country, string id, string? expectedError)
    {
        var error = NationalIds.Check(country, NationalIds.Normalise(id));
        if (expectedError is null) Assert.Null(error);
        else Assert.Contains(expectedError, error, StringComparison.Ordinal);
    }

    [Fact]
    public void National_ids_are_compared_trimmed_and_upper_case() =>
        Assert.Equal("RMIC8A5007", NationalIds.Normalise("  rmic8a5007 "));

    [Fact]
    public void Each_MenSI_country_has_its_own_scheme()
    {
        var schemes = Countries.MenSI.Select(NationalIds.SchemeFor).ToList();
        Assert.Equal(schemes.Count, schemes.Distinct().Count());
        Assert.Equal("national", NationalIds.SchemeFor("FR"));
    }

    private static SchoolProfile Profile(string name = "Escola Básica", string? website = null, string? erasmus = null,
        EducationLevel[]? levels = null, int? pupils = 100, int? teachers = 10, string[]? languages = null) =>
        new(name, null, null, website, erasmus, levels ?? [EducationLevel.Primary], pupils, teachers, languages ?? ["pt"]);

    private static Dictionary<string, string[]> Check(SchoolProfile profile)
    {
        var errors = new Dictionary<string, string[]>();
        SchoolProfileRules.Check(profile, errors);
        return errors;
    }

    [Fact]
    public void A_complete_profile_has_no_errors() => Assert.Empty(Check(Profile(website: "https://escola.pt", erasmus: "E10203040")));

    [Theory]
    [InlineData("", "name")]
    [InlineData("X", "name")]
    public void Names_are_required_and_meaningful(string name, string field) => Assert.Contains(field, Check(Profile(name: name)).Keys);

    [Theory]
    [InlineData("ftp://escola.pt")]
    [InlineData("escola.pt")]
    public void Websites_are_absolute_http_urls(string website) => Assert.Contains("website", Check(Profile(website: website)).Keys);

    [Theory]
    [InlineData("E1020304")]
    [InlineData("X10203040")]
    public void Erasmus_ids_are_E_and_eight_digits(string oid) => Assert.Contains("erasmusOid", Check(Profile(erasmus: oid)).Keys);

    [Fact]
    public void Numbers_must_be_sane()
    {
        var errors = Check(Profile(pupils: -1, teachers: SchoolProfileRules.MaxTeachers + 1));
        Assert.Contains("pupils", errors.Keys);
        Assert.Contains("teachers", errors.Keys);
    }

    [Fact]
    public void Levels_are_required_and_not_repeated()
    {
        Assert.Contains("educationLevels", Check(Profile(levels: [])).Keys);
        Assert.Contains("educationLevels", Check(Profile(levels: [EducationLevel.Primary, EducationLevel.Primary])).Keys);
    }

    [Theory]
    [InlineData("PT")]
    [InlineData("por")]
    public void Languages_are_iso_639_1(string language) => Assert.Contains("languages", Check(Profile(languages: [language])).Keys);

    [Fact]
    public void An_update_that_changes_nothing_keeps_the_version()
    {
        var school = School.Register("PT", "123456", Profile(), DateTimeOffset.UtcNow);
        Assert.Empty(school.UpdateProfile(Profile(), DateTimeOffset.UtcNow));
        Assert.Equal(1, school.Version);

        var changed = school.UpdateProfile(Profile(name: "Escola Secundária", pupils: 200), DateTimeOffset.UtcNow);
        Assert.Equal(["name", "pupils"], changed);
        Assert.Equal(2, school.Version);
        var updated = school.ToProfileUpdatedEvent(changed);
        Assert.Equal(2, updated.Version);
        Assert.Equal(school.Id, updated.SchoolId);
    }

    [Fact]
    public void Registered_events_carry_wire_names_and_a_version_7_id()
    {
        var school = School.Register("PT", "123456", Profile(), DateTimeOffset.UtcNow);
        var registered = school.ToRegisteredEvent();
        Assert.Equal(7, registered.EventId.Version);
        Assert.Equal("applicant", registered.Status);
        Assert.Equal("none", registered.NetworkRole);
        Assert.Equal("codigo-escola", registered.NationalIdScheme);
    }

    [Theory]
    [InlineData(typeof(SchoolRegistered), "mensi.registry.school-registered")]
    [InlineData(typeof(SchoolProfileUpdated), "mensi.registry.school-profile-updated")]
    public void Exchange_names_are_stable_and_readable(Type eventType, string exchange) => Assert.Equal(exchange, EventNames.ExchangeFor(eventType));

    [Theory]
    [InlineData("SchoolRegisteredV2", "school-registered-v2")]
    [InlineData("DigitalMaturityAssessed", "digital-maturity-assessed")]
    [InlineData("LowerSecondary", "lower-secondary")]
    public void Kebab_case_splits_words_and_versions(string name, string expected) => Assert.Equal(expected, EventNames.ToKebabCase(name));
}
