using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace MenSI.Registry.Tests.Schools;

/// <summary>Name search that works for Europe's languages, on a database of this class's own.</summary>
public class SearchTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    private static readonly string Marker = Guid.NewGuid().ToString("N")[..6];

    private async Task RegisterAsync(string country, string nationalId, string name) =>
        (await registry.Client.PostAsync(SchoolBodies.Valid(country: country, nationalId: nationalId, name: $"{name} {Marker}"))).EnsureSuccessStatusCode();

    private async Task<string[]> SearchAsync(string query)
    {
        var page = await registry.Client.GetFromJsonAsync<JsonElement>($"/api/v1/schools?pageSize=100&name={Uri.EscapeDataString(query + " " + Marker)}");
        return page.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("name").GetString()![..^(Marker.Length + 1)]).Order(StringComparer.Ordinal).ToArray();
    }

    [Fact]
    public async Task Case_and_accents_do_not_matter_and_every_word_must_match()
    {
        await RegisterAsync("CZ", "600" + Random.Shared.Next(100000, 999999), "Základní Škola Brno");
        await RegisterAsync("CZ", "600" + Random.Shared.Next(100000, 999999), "Gymnázium Olomouc");
        await RegisterAsync("PT", Random.Shared.Next(100000, 999999).ToString(System.Globalization.CultureInfo.InvariantCulture), "Escola Básica de Lisboa");
        await RegisterAsync("PT", Random.Shared.Next(100000, 999999).ToString(System.Globalization.CultureInfo.InvariantCulture), "Escola Secundária do Porto");
        await RegisterAsync("HR", Random.Shared.Next(10000000, 99999999).ToString(System.Globalization.CultureInfo.InvariantCulture), "Osnovna škola Ivana Gorana Kovačića");

        Assert.Equal(["Osnovna škola Ivana Gorana Kovačića", "Základní Škola Brno"], await SearchAsync("skola"));
        Assert.Equal(["Escola Básica de Lisboa"], await SearchAsync("escola basica"));
        Assert.Equal(["Escola Básica de Lisboa"], await SearchAsync("BÁSICA"));
        Assert.Equal(["Escola Básica de Lisboa", "Escola Secundária do Porto"], await SearchAsync("escola"));
        Assert.Equal(["Osnovna škola Ivana Gorana Kovačića"], await SearchAsync("kovacica"));
        Assert.Empty(await SearchAsync("escola brno"));
        Assert.Empty(await SearchAsync("100%"));
    }

    [Fact]
    public async Task A_selective_word_is_found_through_the_trigram_index()
    {
        var plan = await registry.QueryAsync(async db =>
        {
            // Enough other schools that reading the whole table would cost more than the index.
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO schools (id, country, national_id_scheme, national_id, name, education_levels, languages, network_role, status, created_at, updated_at, version)
                SELECT gen_random_uuid(), 'SI', 'national', 'TRGM' || n, 'Osnovna šola ' || n, ARRAY['Primary'], ARRAY['sl'], 'None', 'Applicant', now(), now(), 1
                FROM generate_series(1, 50000) AS n;
                ANALYZE schools;
                """);
            await db.Database.OpenConnectionAsync();
            var connection = (Npgsql.NpgsqlConnection)db.Database.GetDbConnection();
            await using var explain = new Npgsql.NpgsqlCommand("EXPLAIN SELECT id FROM schools WHERE search_name LIKE mensi_search_key('%kovacica%')", connection);
            var lines = new List<string>();
            await using var reader = await explain.ExecuteReaderAsync();
            while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
            return string.Join('\n', lines);
        });
        Assert.True(plan.Contains("ix_schools_search_name", StringComparison.Ordinal), plan);
    }
}

/// <summary>Counting stops at 10,000: a broad query over a big directory does not pay for counting every match.</summary>
public class CappedCountTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    [Fact]
    public async Task Totals_beyond_ten_thousand_are_reported_as_capped_and_smaller_ones_exactly()
    {
        await registry.QueryAsync(db => db.Database.ExecuteSqlRawAsync("""
            INSERT INTO schools (id, country, national_id_scheme, national_id, name, education_levels, languages, network_role, status, created_at, updated_at, version)
            SELECT gen_random_uuid(), 'SK', 'national', 'CAP' || n, 'Stredná škola ' || n, ARRAY['Primary'], ARRAY['sk'], 'None', 'Applicant', now(), now(), 1
            FROM generate_series(1, 10005) AS n
            """));

        var broad = await registry.Client.GetFromJsonAsync<JsonElement>("/api/v1/schools?country=SK&pageSize=5");
        Assert.Equal(10_000, broad.GetProperty("totalCount").GetInt64());
        Assert.True(broad.GetProperty("totalCountCapped").GetBoolean());
        Assert.Equal(5, broad.GetProperty("items").GetArrayLength());

        var narrow = await registry.Client.GetFromJsonAsync<JsonElement>("/api/v1/schools?country=SK&name=skola%201000&pageSize=5");
        Assert.Equal(7, narrow.GetProperty("totalCount").GetInt64()); // 1000 and 10000 to 10005
        Assert.False(narrow.GetProperty("totalCountCapped").GetBoolean());
    }
}
