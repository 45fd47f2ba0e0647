using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using MenSI.Hosting;
using Xunit;

namespace MenSI.EndToEnd.Tests;

/// <summary>
/// <c>publish kubernetes</c> as an operator runs it, checked against what the services read and against itself: every
/// object parses back into the typed models, every connection string and setting a service reads is provided, ports
/// and probes agree, and nothing secret is written in plain text.
/// </summary>
public partial class KubernetesPublishTests : IAsyncLifetime
{
    private static readonly string AppHost = typeof(Program).Assembly.Location;
    private readonly DirectoryInfo _output = Directory.CreateTempSubdirectory("mensi-k8s-");
    private Dictionary<string, List<IKubernetesObject<V1ObjectMeta>>> _folders = [];

    public async Task InitializeAsync()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { AppHost, "publish", "kubernetes", "--output", _output.FullName, "--public-url", "https://mensi.test/", "--image-prefix", "registry.example/mensi/", "--image-tag", "1.2.3" })
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, output);

        // Every file parses back into the typed models (an unknown kind or a malformed object throws here).
        _folders = new[] { "base", "overlays/development", "overlays/managed" }.ToDictionary(f => f, f => Directory.GetFiles(Path.Combine(_output.FullName, f), "*.yaml")
            .Where(file => Path.GetFileName(file) != "kustomization.yaml")
            .SelectMany(file => KubernetesYaml.LoadAllFromString(File.ReadAllText(file)).Cast<IKubernetesObject<V1ObjectMeta>>()).ToList());
    }

    public Task DisposeAsync()
    {
        _output.Delete(recursive: true);
        return Task.CompletedTask;
    }

    private IEnumerable<T> Base<T>() => _folders["base"].OfType<T>();

    private static readonly string[] Projects = ["identity", "registry", "clusters", "courses", "community", "policy", "gateway"];

    [Fact]
    public void Every_project_is_a_deployment_with_a_service_probes_and_its_image()
    {
        foreach (var name in Projects)
        {
            var deployment = Base<V1Deployment>().Single(d => d.Metadata.Name == name);
            var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
            Assert.Equal($"registry.example/mensi/{name}:1.2.3", container.Image);
            var port = Assert.Single(container.Ports);
            Assert.Equal(("http", 8080), (port.Name, port.ContainerPort));
            Assert.Equal(("/alive", "http"), (container.LivenessProbe.HttpGet.Path, container.LivenessProbe.HttpGet.Port.Value));
            Assert.Equal(("/health", "http"), (container.ReadinessProbe.HttpGet.Path, container.ReadinessProbe.HttpGet.Port.Value));
            Assert.NotNull(container.Resources.Requests["cpu"]);
            Assert.True(deployment.Spec.Template.Spec.SecurityContext.RunAsNonRoot);
            Assert.Equal(deployment.Spec.Selector.MatchLabels, deployment.Spec.Template.Metadata.Labels);

            var service = Base<V1Service>().Single(s => s.Metadata.Name == name);
            Assert.Equal(deployment.Spec.Selector.MatchLabels, service.Spec.Selector);
            Assert.Equal(("http", "http"), (service.Spec.Ports.Single().Name, service.Spec.Ports.Single().TargetPort.Value));
        }

        // Two of each: every service is safe with replicas (tests/EndToEnd.Tests/ReplicaTests.cs).
        Assert.All(Projects, name => Assert.Equal(2, Base<V1Deployment>().Single(d => d.Metadata.Name == name).Spec.Replicas));

        var rule = Base<V1Ingress>().Single().Spec.Rules.Single();
        Assert.Equal("mensi.test", rule.Host);
        Assert.Equal(("gateway", "http"), (rule.Http.Paths.Single().Backend.Service.Name, rule.Http.Paths.Single().Backend.Service.Port.Name));
    }

    /// <summary>What each service's code reads, found in its code, not in the graph: the manifests must provide all of it.</summary>
    [Fact]
    public void Every_connection_string_and_setting_a_service_reads_is_provided()
    {
        var root = RepositoryRoot.Find();
        foreach (var name in Projects.Where(p => p != "gateway"))
        {
            var code = string.Join("\n", Directory.GetFiles(Path.Combine(root, "services", char.ToUpperInvariant(name[0]) + name[1..]), "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal)).Select(File.ReadAllText));
            var needed = ServiceDatabase().Matches(code).Select(m => m.Groups[1].Value)
                .Concat(Redis().Matches(code).Select(m => m.Groups[1].Value))
                .Concat(code.Contains("AddMessaging<", StringComparison.Ordinal) ? ["rabbitmq"] : []).ToList();
            Assert.NotEmpty(needed);
            var provided = Environment(name);
            foreach (var connection in needed) Assert.Contains($"ConnectionStrings__{connection}", provided);
            Assert.Contains("Authentication__Issuer", provided);
            Assert.Equal(code.Contains("RunOrMigrateAsync", StringComparison.Ordinal) || code.Contains("AddServiceDatabase", StringComparison.Ordinal),
                Base<V1Job>().Any(j => j.Metadata.Name == name + "-migrate" && j.Spec.Template.Spec.Containers.Single().Args.SequenceEqual(["migrate"])));
        }

        // The gateway reaches every service its routes name.
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "gateway", "appsettings.json")));
        var routed = settings.RootElement.GetProperty("Gateway").GetProperty("Routes").EnumerateObject().Select(r => r.Value.GetProperty("Service").GetString()!).Distinct();
        var gateway = Environment("gateway");
        foreach (var service in routed)
        {
            Assert.Contains($"services__{service}__http__0", gateway);
            Assert.Equal($"http://{service}:8080", Base<V1ConfigMap>().Single(c => c.Metadata.Name == "gateway-config").Data[$"services__{service}__http__0"]);
        }

        Assert.Equal("https://mensi.test/", Base<V1ConfigMap>().Single(c => c.Metadata.Name == "identity-config").Data["Authentication__Issuer"]);
    }

    [Fact]
    public void Nothing_secret_is_written_in_plain_text()
    {
        var plain = _folders.Values.SelectMany(o => o).Where(o => o is not V1Secret).Select(KubernetesYaml.Serialize);
        foreach (var text in plain)
        {
            Assert.DoesNotMatch("(?i)password=|amqp://[^\\s:@]+:[^\\s@]+@|BEGIN (RSA )?PRIVATE KEY", text);
        }

        var secrets = _folders.Values.SelectMany(o => o).OfType<V1Secret>().ToList();
        Assert.NotEmpty(secrets);
        foreach (var secret in secrets)
        {
            Assert.Null(secret.Data);
            Assert.All(secret.StringData.Values, value => Assert.Contains("CHANGE-ME", value, StringComparison.Ordinal));
        }

        // Every secret a deployment reads exists, with the key it reads, in each overlay (or in the base).
        foreach (var overlay in new[] { "overlays/development", "overlays/managed" })
        {
            var available = _folders["base"].Concat(_folders[overlay]).OfType<V1Secret>().ToList();
            foreach (var env in Base<V1Deployment>().SelectMany(d => d.Spec.Template.Spec.Containers.Single().Env ?? []).Where(e => e.ValueFrom?.SecretKeyRef is not null))
            {
                var reference = env.ValueFrom.SecretKeyRef;
                Assert.True(available.Any(s => s.Metadata.Name == reference.Name && s.StringData.ContainsKey(reference.Key)), $"{overlay}: no secret {reference.Name}/{reference.Key} for {env.Name}");
            }
        }
    }

    [Fact]
    public void The_development_overlay_runs_the_servers_the_managed_one_expects_them()
    {
        var servers = _folders["overlays/development"].OfType<V1StatefulSet>().Select(s => s.Metadata.Name).Order().ToList();
        Assert.Equal(["postgres", "rabbitmq", "redis"], servers);
        Assert.Equal(servers, _folders["overlays/development"].OfType<V1Service>().Select(s => s.Metadata.Name).Order());
        Assert.Empty(_folders["overlays/managed"].OfType<V1StatefulSet>());
        var init = _folders["overlays/development"].OfType<V1ConfigMap>().Single(c => c.Metadata.Name == "postgres-init").Data["databases.sql"];
        foreach (var database in new[] { "identity_db", "registry_db", "clusters_db", "courses_db", "community_db", "policy_db" }) Assert.Contains($"\"{database}\"", init, StringComparison.Ordinal);

        foreach (var overlay in new[] { "development", "managed" })
        {
            var kustomization = File.ReadAllText(Path.Combine(_output.FullName, "overlays", overlay, "kustomization.yaml"));
            Assert.Contains("- ../../base", kustomization, StringComparison.Ordinal);
            foreach (var file in Directory.GetFiles(Path.Combine(_output.FullName, "overlays", overlay), "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml"))
            {
                Assert.Contains($"- {file}", kustomization, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>Every variable a deployment's container gets: literal, from a Secret, or from its ConfigMaps.</summary>
    private HashSet<string> Environment(string name)
    {
        var container = Base<V1Deployment>().Single(d => d.Metadata.Name == name).Spec.Template.Spec.Containers.Single();
        var variables = (container.Env ?? []).Select(e => e.Name).ToHashSet();
        foreach (var source in container.EnvFrom ?? [])
        {
            variables.UnionWith(Base<V1ConfigMap>().Single(c => c.Metadata.Name == source.ConfigMapRef.Name).Data.Keys);
        }

        return variables;
    }

    [GeneratedRegex("AddServiceDatabase<\\w+>\\(\"([^\"]+)\"\\)")] private static partial Regex ServiceDatabase();
    [GeneratedRegex("AddRedis\\(\"([^\"]+)\"\\)")] private static partial Regex Redis();
}
