using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MenSI.AppHost.Demo;

public sealed partial class DemoNetwork
{
    /// <summary>A question teachers ask in their own language, and two colleagues' answers.</summary>
    private static readonly Dictionary<string, (string Title, string Body, string[] Replies)> Conversations = new(StringComparer.Ordinal)
    {
        ["nl"] = ("Hoe plannen jullie de schoolbezoeken?", "Wij starten in oktober met een eerste bezoek. Hoe regelen jullie de vervanging?",
            ["Wij werken met vaste duo's van leerkrachten; dat scheelt veel planning.", "Bij ons helpt de directie met een vervangingspool."]),
        ["hr"] = ("Kako planirate posjete školama?", "Počinjemo u listopadu prvim posjetom. Kako organizirate zamjene?",
            ["Radimo u stalnim parovima učitelja, to puno olakšava planiranje.", "Ravnatelj nam pomaže s rasporedom zamjena."]),
        ["cs"] = ("Jak plánujete návštěvy škol?", "Začínáme v říjnu první návštěvou. Jak řešíte suplování?",
            ["Pracujeme ve stálých dvojicích učitelů, plánování je pak snazší.", "Vedení školy nám pomáhá se suplováním."]),
        ["hu"] = ("Hogyan tervezitek az iskolalátogatásokat?", "Októberben kezdünk az első látogatással. Hogyan oldjátok meg a helyettesítést?",
            ["Állandó tanárpárokban dolgozunk, ez sokat segít a tervezésben.", "Az igazgató segít a helyettesítések beosztásában."]),
        ["it"] = ("Come organizzate le visite tra scuole?", "Iniziamo a ottobre con una prima visita. Come gestite le supplenze?",
            ["Lavoriamo in coppie fisse di docenti: la pianificazione è più semplice.", "La dirigenza ci aiuta con le supplenze."]),
        ["pt"] = ("Como planeiam as visitas às escolas?", "Começamos em outubro com uma primeira visita. Como organizam as substituições?",
            ["Trabalhamos em pares fixos de professores, o que facilita o planeamento.", "A direção ajuda-nos com as substituições."]),
    };

    /// <summary>
    /// A country space per country (opened by its officer) and the private space of every cluster (opened by Community
    /// from Clusters' events), each with a conversation among the teachers who belong there.
    /// </summary>
    private static async Task<int> CommunityAsync(IReadOnlyList<(DemoCountry Country, DemoApi Officer)> countries, IReadOnlyList<DemoCluster>[] clusters,
        IReadOnlyList<DemoTeacher> teachers, CancellationToken cancellationToken)
    {
        var threads = await Task.WhenAll(countries.Select(async (c, i) =>
        {
            var (country, officer) = c;
            var local = teachers.Where(t => t.Country == country).OrderBy(t => t.Number).ToList();
            var spaces = (await officer.GetAsync($"/api/v1/community/spaces?kind=country&country={country.Code}&pageSize=100", cancellationToken)).OrThrow("Listing spaces").Body;
            var space = spaces.GetProperty("items").EnumerateArray().FirstOrDefault(s => s.GetProperty("country").GetString() == country.Code);
            if (space.ValueKind != JsonValueKind.Object)
            {
                space = (await officer.PostAsync("/api/v1/community/spaces", new
                {
                    kind = "country", name = $"MenSI {country.Name}", description = "Teachers and school leaders of the country's mentoring clusters.", country = country.Code,
                }, cancellationToken)).OrThrow($"Opening {country.Name}'s space").Body;
            }

            var count = await ConversationAsync(space, local[0], [local[1], local[2]], null, cancellationToken);
            foreach (var cluster in clusters[i])
            {
                // The cluster's space has the cluster's id; Community opens it, with its schools, from Clusters' events.
                var mentorTeacher = local[cluster.Index];
                var menteeTeacher = local[DemoCountry.Clusters + cluster.Index];
                var clusterSpace = (await UntilAsync(() => officer.GetAsync($"/api/v1/community/spaces/{cluster.Id}", cancellationToken),
                    a => a.Ok && a.Body.GetProperty("memberSchoolIds").EnumerateArray().Any(s => s.GetGuid() == menteeTeacher.School),
                    $"Waiting for the space of {country.ClusterName(cluster.Index)}", cancellationToken)).Body;
                count += await ConversationAsync(clusterSpace, mentorTeacher, [menteeTeacher], country.ClusterName(cluster.Index), cancellationToken);
            }

            return count;
        }));
        return threads.Sum();
    }

    /// <summary>One thread started by <paramref name="asker"/> and answered by the others, unless the space has threads already.</summary>
    private static async Task<int> ConversationAsync(JsonElement space, DemoTeacher asker, DemoTeacher[] answerers, string? about, CancellationToken cancellationToken)
    {
        var threads = space.GetProperty("threadCount").GetInt32();
        if (threads > 0) return threads;
        var (title, body, replies) = Conversations[asker.Country.Language];
        var started = (await (await asker.SessionAsync()).PostAsync($"/api/v1/community/spaces/{space.GetProperty("id").GetGuid()}/threads",
            new { title = about is null ? title : $"{about}: {title}", body, language = asker.Country.Language, tags = new[] { "mentoring" } }, cancellationToken))
            .OrThrow($"Starting a thread as {asker.Email}");
        var thread = started.Body.GetProperty("thread").GetProperty("id").GetGuid();
        for (var i = 0; i < answerers.Length; i++)
        {
            (await (await answerers[i].SessionAsync()).PostAsync($"/api/v1/community/threads/{thread}/posts", new { body = replies[i % replies.Length] }, cancellationToken))
                .OrThrow($"Replying as {answerers[i].Email}");
        }

        return 1;
    }

    /// <summary>
    /// Once Policy's evidence has every demo activity (it learns them from the events), a dated snapshot of it, and a
    /// published network recommendation citing it, written from Clusters' effectiveness report per approach.
    /// </summary>
    private static async Task<(Guid Snapshot, Guid Recommendation)> PolicyAsync(DemoApi admin, int activities, CancellationToken cancellationToken)
    {
        const string snapshotTitle = "MenSI demo network: evidence of the school year 2025/26";
        const string recommendationTitle = "Mentoring clusters: choose the approach by its effect per euro";
        foreach (var country in DemoCountry.All)
        {
            await UntilAsync(() => admin.GetAsync($"/api/v1/policy/indicators?country={country.Code}", cancellationToken),
                a => a.Ok && Figure(a.Body, "activities") >= activities / DemoCountry.All.Count && Figure(a.Body, "menteesAssessed") >= DemoCountry.Clusters * DemoCountry.MenteesPerCluster,
                $"Waiting for Policy's evidence of {country.Code}", cancellationToken);
        }

        var snapshots = (await admin.GetAsync("/api/v1/policy/snapshots?pageSize=100", cancellationToken)).OrThrow("Listing snapshots").Body.GetProperty("items");
        var snapshot = snapshots.EnumerateArray().FirstOrDefault(s => s.GetProperty("title").GetString() == snapshotTitle) is { ValueKind: JsonValueKind.Object } taken
            ? taken.GetProperty("id").GetGuid()
            : (await admin.PostAsync("/api/v1/policy/snapshots", new { title = snapshotTitle }, cancellationToken)).OrThrow("Taking a snapshot").Id;

        var documents = (await admin.GetAsync($"/api/v1/policy/documents?kind=recommendation&q={Uri.EscapeDataString(recommendationTitle)}&pageSize=100", cancellationToken))
            .OrThrow("Listing documents").Body.GetProperty("items").EnumerateArray().Where(d => d.GetProperty("title").GetString() == recommendationTitle).ToList();
        var document = documents.FirstOrDefault();
        Guid id;
        string state;
        if (document.ValueKind == JsonValueKind.Object) (id, state) = (document.GetProperty("id").GetGuid(), document.GetProperty("state").GetString()!);
        else
        {
            var report = (await admin.GetAsync("/api/v1/clusters/reports/effectiveness?groupBy=approach", cancellationToken)).OrThrow("Reading the effectiveness report").Body;
            id = (await admin.PostAsync("/api/v1/policy/documents", new
            {
                kind = "recommendation", country = (string?)null,
                content = new
                {
                    title = recommendationTitle, summary = "What a school year of mentoring cost and changed, per approach, in six countries.",
                    body = RecommendationBody(report), audience = new[] { "ministries", "school-leaders" }, citedSnapshotIds = new[] { snapshot },
                },
            }, cancellationToken)).OrThrow("Drafting the recommendation").Id;
            state = "draft";
        }

        if (state == "draft") (await admin.ChangeAsync(HttpMethod.Post, $"/api/v1/policy/documents/{id}/submit", null, cancellationToken)).OrThrow("Submitting the recommendation");
        if (state is "draft" or "in-review") (await admin.ChangeAsync(HttpMethod.Post, $"/api/v1/policy/documents/{id}/publish", null, cancellationToken)).OrThrow("Publishing the recommendation");
        return (snapshot, id);
    }

    private static decimal Figure(JsonElement indicators, string key) =>
        Number(indicators.GetProperty("figures"), key) ?? 0;

    /// <summary>A figure of the API's answers, or null where it has none (the API leaves out null fields).</summary>
    private static decimal? Number(JsonElement parent, string key) =>
        parent.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDecimal() : null;

    /// <summary>The recommendation's Markdown: the report's figures per approach, and the approach with the most effect per euro.</summary>
    private static string RecommendationBody(JsonElement report)
    {
        var rows = report.GetProperty("rows").EnumerateArray().ToList();
        var text = new StringBuilder("| Approach | Clusters | Cost (EUR) | Cost per participant hour | SELFIE points gained | Effect per 1,000 EUR |\n|---|---|---|---|---|---|\n");
        foreach (var row in rows)
        {
            string Value(string field) => Number(row, field)?.ToString("0.##", CultureInfo.InvariantCulture) ?? "-";
            text.Append(CultureInfo.InvariantCulture, $"| {row.GetProperty("key").GetString()} | {Value("clusters")} | {Value("costEuro")} | {Value("costPerParticipantHour")} | {Value("maturityChange")} | {Value("effectPer1000Euro")} |\n");
        }

        var best = rows.Where(r => Number(r, "effectPer1000Euro") is not null).OrderByDescending(r => Number(r, "effectPer1000Euro")).FirstOrDefault();
        if (best.ValueKind == JsonValueKind.Object)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nIn the cited evidence the **{best.GetProperty("key").GetString()}** approach gave the most digital-maturity change per euro: ")
                .Append("ministries starting new clusters should weigh it first, against what the others gained per school.\n");
        }

        return text.ToString();
    }
}
