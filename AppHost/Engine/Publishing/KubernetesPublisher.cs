using k8s;
using k8s.Models;

namespace MenSI.Hosting.Publishing;

/// <summary>
/// Writes <see cref="KubernetesManifests"/> as a Kustomize base with two overlays: <c>overlays/development</c> (the
/// servers as StatefulSets in the cluster) and <c>overlays/managed</c> (managed PostgreSQL, Redis and RabbitMQ).
/// One object per file, named <c>&lt;kind&gt;-&lt;name&gt;.yaml</c>.
/// </summary>
public static class KubernetesPublisher
{
    public static IReadOnlyList<string> Write(IReadOnlyList<Resource> graph, PublishOptions options)
    {
        var root = Path.GetFullPath(options.Output);
        var written = new List<string>();
        written.AddRange(WriteFolder(Path.Combine(root, "base"), [.. KubernetesManifests.Base(graph, options), .. KubernetesManifests.ServiceSecrets(graph)], []));
        written.AddRange(WriteFolder(Path.Combine(root, "overlays", "development"), KubernetesManifests.DevelopmentServers(graph), ["../../base"]));
        written.AddRange(WriteFolder(Path.Combine(root, "overlays", "managed"), KubernetesManifests.ManagedServers(graph), ["../../base"]));
        var readme = Path.Combine(root, "README.md");
        File.WriteAllText(readme, Readme(options));
        written.Add(readme);
        return written;
    }

    private static IEnumerable<string> WriteFolder(string folder, IReadOnlyList<IKubernetesObject<V1ObjectMeta>> objects, string[] bases)
    {
        Directory.CreateDirectory(folder);
        foreach (var stale in Directory.GetFiles(folder, "*.yaml")) File.Delete(stale);
        var files = new List<string>();
        foreach (var item in objects)
        {
            var file = $"{item.Kind.ToLowerInvariant()}-{item.Metadata.Name}.yaml";
            File.WriteAllText(Path.Combine(folder, file), KubernetesYaml.Serialize(item) + "\n");
            files.Add(file);
        }

        var kustomization = new Dictionary<string, object>
        {
            ["apiVersion"] = "kustomize.config.k8s.io/v1beta1",
            ["kind"] = "Kustomization",
            ["resources"] = bases.Concat(files).ToList(),
        };
        File.WriteAllText(Path.Combine(folder, "kustomization.yaml"), KubernetesYaml.Serialize(kustomization) + "\n");
        return files.Select(f => Path.Combine(folder, f)).Append(Path.Combine(folder, "kustomization.yaml"));
    }

    private static string Readme(PublishOptions options) => $"""
        # MenSI on Kubernetes

        Written by `dotnet run --project AppHost -- publish kubernetes` from the graph the AppHost runs. Do not edit these files:
        publish again. Operating the platform (scaling, backups, key rotation, upgrades): docs/operations.md in the repository.

        1. Build and push the images (`{options.ImagePrefix}<service>:{options.ImageTag}`) with `scripts/publish-images.sh <registry> <tag>`,
           publishing with `--image-prefix <registry>/mensi/ --image-tag <tag>`.
        2. Replace every `{KubernetesManifests.Placeholder}` in the Secrets of the overlay you use (never commit the real values):
           `overlays/development` runs PostgreSQL, Redis and RabbitMQ in the cluster; `overlays/managed` expects yours.
           Identity's signing and encryption certificates go into the `mensi-certificates` Secret, their password into
           `mensi-secrets` (docs/operations.md, rotating the signing keys).
        3. Run the migrations, then roll out: `kubectl apply -k overlays/development` applies both; each `<service>-migrate` Job
           must complete before its Deployment's new version serves (docs/operations.md, upgrading).

        The gateway answers at {options.PublicUrl} through the Ingress.
        """;
}
