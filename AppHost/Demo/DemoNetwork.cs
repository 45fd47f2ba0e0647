using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MenSI.AppHost.Demo;

/// <summary>What a demo run left in the network, and the accounts to try it with.</summary>
public sealed record DemoSummary(
    TimeSpan Took, int Schools, int Clusters, int Activities, int Teachers, int Enrolled, int Completed, int Threads, Guid Snapshot, Guid Recommendation,
    Guid DevelopmentSchool, IReadOnlyList<string> Accounts);

/// <summary>
/// Seeds a network like MenSI's through the gateway's public API only, as its people would: the admin creates each
/// country's ministry system and officer; each officer registers and admits the country's schools, records their SELFIE
/// self-assessments, forms the clusters and logs their activities; teachers enrol in the MOOC and learn; people post in
/// the community; Policy's figures are cited by a recommendation. Every step first reads what is there, so a second
/// run changes nothing (and a run cut short is finished by the next).
/// </summary>
public sealed partial class DemoNetwork(Uri gateway, string adminEmail, string adminPassword, string stateDirectory, Action<string> say)
{
    /// <summary>Every account the demo creates signs in with this (a development value, like Identity's seeded one).</summary>
    public const string Password = "MenSI-demo-password-2026";
    public const string DevelopmentCoordinator = "coordinator@mensi.example";
    public const string DevelopmentTeacher = "teacher@mensi.example";
    private static readonly TimeSpan EventsArrive = TimeSpan.FromSeconds(60);
    private static readonly string Today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string OfficerEmail(DemoCountry country) => $"ministry.{country.Lower}@demo.mensi.example";
    public static string ClientId(DemoCountry country) => $"ministry-{country.Lower}-demo";
    private string SecretsFile => Path.Combine(stateDirectory, "demo-client-secrets.json");

    public async Task<DemoSummary> SeedAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        say($"Seeding the demo network through {gateway} ...");
        using var admin = await DemoApi.SignInAsync(gateway, adminEmail, adminPassword, cancellationToken);
        var accounts = await MinistryAccountsAsync(admin, cancellationToken);
        var officers = await Task.WhenAll(DemoCountry.All.Select(c => DemoApi.SignInAsync(gateway, OfficerEmail(c), Password, cancellationToken)));
        try
        {
            var countries = DemoCountry.All.Select((country, i) => (Country: country, Officer: officers[i])).ToList();
            var schools = await Task.WhenAll(countries.Select(c => SchoolsAsync(c.Officer, c.Country, cancellationToken)));
            say($"Registry: {schools.Sum(s => s.Count)} schools admitted, with SELFIE self-assessments before and after ({clock.Elapsed.TotalSeconds:0.0} s).");
            var developmentSchool = schools[DemoCountryIndex("HU")][DemoCountry.Clusters]; // a HU mentee: its cluster, its course, its community
            await DevelopmentAccountsAsync(admin, developmentSchool, cancellationToken);

            // Clusters (waiting on the Registry's events) and the MOOC (Identity and Courses) need only the schools: side by side.
            var clustering = ClusteringAsync(countries, schools, clock, cancellationToken);
            var learning = LearningAsync(admin, schools, clock, cancellationToken);
            await Task.WhenAll(clustering, learning); // both finish (or fail) before anything goes on
            var clusters = await clustering;
            var activities = clusters.Sum(c => c.Sum(cluster => cluster.Activities));
            var (teachers, enrolled, completed) = await learning;
            int threads;
            try { threads = await CommunityAsync(countries, clusters, teachers, cancellationToken); }
            finally { foreach (var teacher in teachers) teacher.Dispose(); }
            say($"Community: {threads} threads in the country and cluster spaces ({clock.Elapsed.TotalSeconds:0.0} s).");
            var (snapshot, recommendation) = await PolicyAsync(admin, activities, cancellationToken);

            accounts.Add($"  {"teachers",-20} teacher.<country>.<1-8>@demo.mensi.example (password {Password}), e.g. {teachers[0].Email}");
            accounts.Add($"  {"development users",-20} {DevelopmentCoordinator} and {DevelopmentTeacher} now belong to school {developmentSchool}");
            return new DemoSummary(clock.Elapsed, schools.Sum(s => s.Count), clusters.Sum(c => c.Count), activities, teachers.Count, enrolled, completed, threads,
                snapshot, recommendation, developmentSchool, accounts);
        }
        finally
        {
            foreach (var officer in officers) officer.Dispose();
        }
    }

    /// <summary>The summary as the console prints it: what is there, and who can sign in.</summary>
    public static string Describe(DemoSummary summary, Uri gateway)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Demo network ready in {summary.Took.TotalSeconds:0.0} s: {summary.Schools} schools, {summary.Clusters} clusters, " +
            $"{summary.Activities} activities, {summary.Enrolled} MOOC enrolments ({summary.Completed} completed), {summary.Threads} community threads, " +
            $"recommendation {gateway}api/v1/policy/documents/{summary.Recommendation} citing snapshot {summary.Snapshot}.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Demo accounts (password for every user: {Password}; tokens: scripts/token.sh EMAIL {Password}):");
        foreach (var line in summary.Accounts) text.AppendLine(line);
        text.Append(CultureInfo.InvariantCulture, $"  then:  curl -H \"Authorization: Bearer $TOKEN\" \"{gateway}api/v1/clusters/reports/effectiveness?groupBy=approach\"");
        return text.ToString();
    }

    private async Task<IReadOnlyList<DemoCluster>[]> ClusteringAsync(IReadOnlyList<(DemoCountry Country, DemoApi Officer)> countries, IReadOnlyList<Guid>[] schools,
        Stopwatch clock, CancellationToken cancellationToken)
    {
        var clusters = await Task.WhenAll(countries.Select((c, i) => ClustersAsync(c.Officer, c.Country, schools[i], cancellationToken)));
        say($"Clusters: {clusters.Sum(c => c.Count)} clusters active, {clusters.Sum(c => c.Sum(cluster => cluster.Activities))} activities logged ({clock.Elapsed.TotalSeconds:0.0} s).");
        return clusters;
    }

    private async Task<(IReadOnlyList<DemoTeacher> Teachers, int Enrolled, int Completed)> LearningAsync(DemoApi admin, IReadOnlyList<Guid>[] schools,
        Stopwatch clock, CancellationToken cancellationToken)
    {
        var teachers = await TeachersAsync(admin, schools, cancellationToken);
        var (enrolled, completed) = await MoocAsync(admin, teachers, cancellationToken);
        say($"Courses: {enrolled} teachers enrolled in the MOOC, {completed} completed it ({clock.Elapsed.TotalSeconds:0.0} s).");
        return (teachers, enrolled, completed);
    }

    private static int DemoCountryIndex(string code) => DemoCountry.All.ToList().FindIndex(c => c.Code == code);

    /// <summary>
    /// Each country's ministry system (a machine client) and officer. A client's secret is shown once, when it is
    /// created, so the demo keeps the secrets it was given in the state folder, to print them again on the next run.
    /// </summary>
    private async Task<List<string>> MinistryAccountsAsync(DemoApi admin, CancellationToken cancellationToken)
    {
        var secrets = File.Exists(SecretsFile)
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(SecretsFile, cancellationToken)) ?? []
            : new Dictionary<string, string>();
        var accounts = new List<string>();
        foreach (var country in DemoCountry.All)
        {
            var officer = await admin.PostAsync("/api/v1/users", new
            {
                email = OfficerEmail(country), displayName = $"Ministry officer ({country.Name})", password = Password, roles = new[] { "ministry-officer" }, country = country.Code,
            }, cancellationToken);
            if (!officer.Ok && officer.Status != System.Net.HttpStatusCode.Conflict) officer.OrThrow($"Creating {OfficerEmail(country)}");

            var clientId = ClientId(country);
            if (!(await admin.GetAsync($"/api/v1/clients/{clientId}", cancellationToken)).Ok)
            {
                var created = (await admin.PostAsync("/api/v1/clients", new { clientId, displayName = $"Ministry of education ({country.Name}), school registry", country = country.Code },
                    cancellationToken)).OrThrow($"Creating the client {clientId}");
                secrets[clientId] = created.Body.GetProperty("clientSecret").GetString()!;
                await File.WriteAllTextAsync(SecretsFile, JsonSerializer.Serialize(secrets), cancellationToken);
            }

            accounts.Add($"  {"ministry officer",-20} {OfficerEmail(country),-34} {country.Code}");
            accounts.Add($"  {"ministry system",-20} {clientId,-34} {country.Code}  secret: {secrets.GetValueOrDefault(clientId) ?? "(shown when it was created; not kept here)"}");
        }

        return accounts;
    }

    /// <summary>Identity's development coordinator and teacher are given a school that exists: a HU mentee of the demo.</summary>
    private static async Task DevelopmentAccountsAsync(DemoApi admin, Guid school, CancellationToken cancellationToken)
    {
        foreach (var email in new[] { DevelopmentCoordinator, DevelopmentTeacher })
        {
            var found = (await admin.GetAsync($"/api/v1/users?email={Uri.EscapeDataString(email)}", cancellationToken)).OrThrow($"Finding {email}");
            if (found.Body.GetProperty("items").EnumerateArray().FirstOrDefault() is not { ValueKind: JsonValueKind.Object } user) continue;
            if (user.TryGetProperty("schoolId", out var current) && current.ValueKind == JsonValueKind.String && current.GetGuid() == school) continue;
            (await admin.ChangeAsync(HttpMethod.Put, $"/api/v1/users/{user.GetProperty("id").GetGuid()}", new
            {
                displayName = user.GetProperty("displayName").GetString(), roles = user.GetProperty("roles"), schoolId = school,
            }, cancellationToken)).OrThrow($"Giving {email} a school");
        }
    }

    /// <summary>Every item of a paged list (the API's pages hold at most 100).</summary>
    private static async Task<List<JsonElement>> AllAsync(DemoApi api, string path, CancellationToken cancellationToken)
    {
        var items = new List<JsonElement>();
        for (var page = 1; ; page++)
        {
            var answer = (await api.GetAsync($"{path}{(path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}pageSize=100&page={page}", cancellationToken)).OrThrow($"Listing {path}").Body;
            items.AddRange(answer.GetProperty("items").EnumerateArray());
            if (page >= answer.GetProperty("totalPages").GetInt64()) return items;
        }
    }

    /// <summary>Calls until the answer is what the step waits for (an event's effect elsewhere), or a minute has passed.</summary>
    private static async Task<ApiAnswer> UntilAsync(Func<Task<ApiAnswer>> call, Func<ApiAnswer, bool> done, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + EventsArrive;
        while (true)
        {
            var answer = await call();
            if (done(answer)) return answer;
            if (DateTime.UtcNow > deadline) throw new InvalidOperationException($"{what}: still {(int)answer.Status} {answer.Body.GetRawText()} after {EventsArrive.TotalSeconds:0} s.");
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }
}
