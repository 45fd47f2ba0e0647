using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MenSI.Testing;
using MenSI.Testing.Security;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace MenSI.Registry.Tests.Imports;

/// <summary>Bulk import from a national registry over HTTP: dry run, rejections with reasons, idempotent upsert.</summary>
public class ImportApiTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    private static int _next = 700_000;
    private static string NextId() => Interlocked.Increment(ref _next).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<JsonElement> ImportAsync(HttpClient client, string body, string mediaType, bool dryRun, string country = "HU")
    {
        var response = await client.PostAsync(new Uri($"/api/v1/schools/imports?country={country}&dryRun={dryRun}", UriKind.Relative),
            new StringContent(body, Encoding.UTF8, mediaType));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static (int Rows, int Created, int Updated, int Unchanged, int Rejected) Counts(JsonElement report) =>
        (report.GetProperty("rows").GetInt32(), report.GetProperty("created").GetInt32(), report.GetProperty("updated").GetInt32(),
         report.GetProperty("unchanged").GetInt32(), report.GetProperty("rejected").GetInt32());

    [Fact]
    public async Task A_dry_run_reports_and_writes_nothing_then_the_import_applies_and_a_second_one_changes_nothing()
    {
        var (a, b, c) = (NextId(), NextId(), NextId());
        var csv = $"""
            nationalId,name,region,city,educationLevels,pupils,teachers,languages
            {a},Szegedi Általános Iskola,Csongrád,Szeged,primary;lower-secondary,420,38,hu
            {b},"Debreceni Gimnázium, Kossuth",Hajdú-Bihar,Debrecen,upper-secondary,610,52,hu;en
            {c},X,,,kindergarten,many,5,hu
            {a},Szegedi Általános Iskola (again),Csongrád,Szeged,primary,1,1,hu
            """;
        var before = await registry.CountSchoolsAsync();
        var outboxBefore = await registry.CountOutboxAsync();

        var dry = await ImportAsync(registry.Client, csv, "text/csv", dryRun: true);
        Assert.Equal((4, 2, 0, 0, 2), Counts(dry));
        Assert.Equal(before, await registry.CountSchoolsAsync());
        Assert.Equal(outboxBefore, await registry.CountOutboxAsync());
        var errors = dry.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("line").GetInt32(), e.GetProperty("field").GetString())).ToList();
        Assert.Equal([(4, "educationLevels"), (4, "name"), (4, "pupils"), (5, "nationalId")], errors);

        var applied = await ImportAsync(registry.Client, csv, "text/csv", dryRun: false);
        Assert.Equal((4, 2, 0, 0, 2), Counts(applied));
        Assert.Equal(before + 2, await registry.CountSchoolsAsync());
        Assert.Equal(outboxBefore + 2, await registry.CountOutboxAsync());
        var debrecen = await registry.QueryAsync(db => db.Schools.AsNoTracking().SingleAsync(s => s.Country == "HU" && s.NationalId == b));
        Assert.Equal("Debreceni Gimnázium, Kossuth", debrecen.Name);

        var again = await ImportAsync(registry.Client, csv, "text/csv", dryRun: false);
        Assert.Equal((4, 0, 0, 2, 2), Counts(again));
        Assert.Equal(outboxBefore + 2, await registry.CountOutboxAsync());
    }

    [Fact]
    public async Task Json_rows_update_by_national_identifier()
    {
        var id = NextId();
        var first = JsonSerializer.Serialize(new[] { new { nationalId = id, name = "Pécsi Iskola", educationLevels = new[] { "primary" }, pupils = 100 } });
        Assert.Equal(1, (await ImportAsync(registry.Client, first, "application/json", dryRun: false)).GetProperty("created").GetInt32());

        var second = JsonSerializer.Serialize(new object[]
        {
            new { nationalId = id, name = "Pécsi Iskola", educationLevels = new[] { "primary" }, pupils = 120 },
            new { nationalId = NextId(), name = "Győri Iskola", educationLevels = new[] { "primary" }, pupils = "lots", color = "red" },
        });
        var report = await ImportAsync(registry.Client, second, "application/json", dryRun: false);
        Assert.Equal((2, 0, 1, 0, 1), Counts(report));
        Assert.Equal([(2, "color"), (2, "pupils")],
            report.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("line").GetInt32(), e.GetProperty("field").GetString())));
        var school = await registry.QueryAsync(db => db.Schools.AsNoTracking().SingleAsync(s => s.Country == "HU" && s.NationalId == id));
        Assert.Equal(120, school.Pupils);
        Assert.Equal(2, school.Version);
    }

    [Fact]
    public async Task A_ministry_imports_only_its_own_countrys_registry_and_unreadable_files_are_400()
    {
        using var croatia = await registry.ClientAsync(Persona.MinistryOfficer("HR"));
        var refused = await croatia.PostAsync(new Uri("/api/v1/schools/imports?country=HU", UriKind.Relative),
            new StringContent("nationalId,name\n123456,X", Encoding.UTF8, "text/csv"));
        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Forbidden, "urn:mensi:problem:forbidden");

        var badHeader = await registry.Client.PostAsync(new Uri("/api/v1/schools/imports?country=HU", UriKind.Relative),
            new StringContent("id,title\n1,x", Encoding.UTF8, "text/csv"));
        Assert.Contains("file", ProblemAssert.FieldErrors(await ProblemAssert.IsProblemAsync(badHeader, HttpStatusCode.BadRequest, "urn:mensi:problem:validation")));
        var xml = await registry.Client.PostAsync(new Uri("/api/v1/schools/imports?country=HU", UriKind.Relative), new StringContent("<x/>", Encoding.UTF8, "application/xml"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, xml.StatusCode);
    }

    private async Task<HttpResponseMessage> PostFileAsync(byte[] body, string mediaType) =>
        await registry.Client.PostAsync(new Uri("/api/v1/schools/imports?country=HU", UriKind.Relative),
            new ByteArrayContent(body) { Headers = { { "Content-Type", mediaType } } });

    private Task<bool> ExistsAsync(string nationalId) => registry.QueryAsync(db => db.Schools.AnyAsync(s => s.Country == "HU" && s.NationalId == nationalId));

    [Fact]
    public async Task A_file_that_is_not_utf8_is_refused_with_its_line_and_nothing_is_imported()
    {
        var (good, bad) = (NextId(), NextId());
        // A Windows-1250 export: "é" and "á" are single bytes that UTF-8 cannot read.
        byte[] body = [.. Encoding.ASCII.GetBytes($"nationalId,name,educationLevels\n{good},Budapesti Iskola,primary\n{bad},Sz"), 0xE9,
            .. Encoding.ASCII.GetBytes("kesfeh"), 0xE9, .. Encoding.ASCII.GetBytes("rv"), 0xE1, .. Encoding.ASCII.GetBytes("r Iskola,primary\n")];

        var refused = await ProblemAssert.IsProblemAsync(await PostFileAsync(body, "text/csv"), HttpStatusCode.BadRequest, "urn:mensi:problem:validation");
        Assert.Contains("not UTF-8", refused.GetProperty("errors").GetProperty("file")[0].GetString(), StringComparison.Ordinal);
        Assert.False(await ExistsAsync(good)); // not even the line before it
        Assert.False(await ExistsAsync(bad));
    }

    [Fact]
    public async Task A_json_file_that_breaks_after_a_thousand_rows_changes_nothing()
    {
        var ids = Enumerable.Range(0, 1_001).Select(_ => NextId()).ToList();
        var rows = string.Join(",", ids.Select(id => $$"""{"nationalId":"{{id}}","name":"Iskola {{id}}","educationLevels":["primary"]}"""));
        var response = await PostFileAsync(Encoding.UTF8.GetBytes($$"""[{{rows}},{"nationalId": """), "application/json");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "urn:mensi:problem:validation");
        Assert.Equal(0, await registry.QueryAsync(db => db.Schools.CountAsync(s => s.Country == "HU" && ids.Contains(s.NationalId))));
    }

    [Fact]
    public async Task Json_values_of_the_wrong_kind_are_rejected_rows_not_silently_converted()
    {
        var ids = Enumerable.Range(0, 5).Select(_ => NextId()).ToList();
        var json = $$"""
            [
              {"nationalId":"{{ids[0]}}","name":12345,"educationLevels":["primary"]},
              {"nationalId":"{{ids[1]}}","name":"Iskola","pupils":"12","educationLevels":["primary"]},
              {"nationalId":"{{ids[2]}}","name":"Iskola","educationLevels":"primary"},
              {"nationalId":"{{ids[3]}}","name":"Isk\ud800ola","educationLevels":["primary"]},
              {"nationalId":"{{ids[4]}}","name":"Jó Iskola","pupils":12,"educationLevels":["primary"]}
            ]
            """;
        var report = await ImportAsync(registry.Client, json, "application/json", dryRun: false);

        Assert.Equal((5, 1, 0, 0, 4), Counts(report));
        var reasons = report.GetProperty("errors").EnumerateArray()
            .ToDictionary(e => e.GetProperty("line").GetInt32(), e => (e.GetProperty("field").GetString(), e.GetProperty("reason").GetString()));
        Assert.Equal(("name", "Must be a string."), reasons[1]);
        Assert.Equal(("pupils", "Must be a number."), reasons[2]);
        Assert.Equal(("educationLevels", "Must be an array of strings."), reasons[3]);
        Assert.Equal("name", reasons[4].Item1);
        Assert.True(await ExistsAsync(ids[4]));
    }

    [Fact]
    public async Task Names_are_stored_in_normal_form_C_and_a_line_break_in_a_name_is_refused()
    {
        var (decomposed, broken) = (NextId(), NextId());
        var csv = $"nationalId,name,educationLevels\n{decomposed},Sze\u0301kesfehe\u0301rva\u0301ri Iskola,primary\n{broken},\"Első\nIskola\",primary\n";
        var report = await ImportAsync(registry.Client, csv, "text/csv", dryRun: false);

        Assert.Equal((2, 1, 0, 0, 1), Counts(report));
        Assert.Equal("name", report.GetProperty("errors")[0].GetProperty("field").GetString());
        var name = await registry.QueryAsync(db => db.Schools.Where(s => s.Country == "HU" && s.NationalId == decomposed).Select(s => s.Name).SingleAsync());
        Assert.Equal("Sz\u00e9kesfeh\u00e9rv\u00e1ri Iskola", name);
        Assert.True(name.IsNormalized(NormalizationForm.FormC));
    }
}
