using MenSI.Hosting;
using static MenSI.Benchmarks.BenchmarkDocument;

namespace MenSI.Benchmarks;

/// <summary>
/// The event pipeline with one and with two processes of the Registry and of Clusters (the AppHost runs the replicas,
/// the gateway balances between them): two graphs started one after the other, the same load on each, nothing else running.
/// </summary>
internal static class ReplicaBenchmark
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    public static async Task<Section> RunAsync(string stateDir)
    {
        var rows = new List<string>();
        foreach (var replicas in new[] { 1, 2 })
        {
            var (testing, _) = await BenchmarkProgram.StartAsync($"{stateDir}-{replicas}", new Dictionary<string, string?>
            {
                ["Resources:registry:Replicas"] = replicas.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Resources:clusters:Replicas"] = replicas.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            try
            {
                var (row, _, _) = await EventPipelineBenchmark.PlatformAsync(testing.Application, Window,
                    replicas == 1 ? "one Registry, one Clusters" : $"{replicas} Registry and {replicas} Clusters processes");
                rows.Add(row);
            }
            finally
            {
                await testing.DisposeAsync();
                StateFolder.Wipe($"{stateDir}-{replicas}");
            }
        }

        return new Section("replicas", "Replicas", Invariant($"""
            The event pipeline's load (8 writers registering schools through the gateway, each school's event taken into
            Clusters) for {Window.TotalSeconds:0} s, on a graph with one process of the Registry and of Clusters, then on a fresh
            graph with two of each, the gateway balancing the writes between the Registry's. Columns as in the pipeline
            benchmark: `lost` is what a writer was told succeeded and never took effect; `copies` the extra deliveries a plain
            consumer saw (each carries its event's id, so a consumer acts once). On {Environment.ProcessorCount} cores the
            second process shares the same cores: this shows that replicas keep the guarantees, and what they cost or gain here.

            | graph | written | on the wire | copies | took effect | lost | events/s | p50 ms | p99 ms |
            | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
            {string.Join("\n", rows)}
            """));
    }
}
