using MenSI.Hosting.Publishing;
using Microsoft.Extensions.Configuration;

namespace MenSI.Hosting;

/// <summary>
/// Declares the graph, Aspire-style: <c>AddPostgres</c>, <c>AddRedis</c>, <c>AddRabbitMQ</c>, <c>AddProject</c>, then
/// <c>WithReference</c> (inject how to reach a resource) and <c>WaitFor</c> (start only once it is healthy).
/// Settings come from the command line (<c>--fresh</c>, <c>--state-dir</c>, <c>--gateway-port</c>) and environment;
/// <c>Resources:&lt;name&gt;:Environment:&lt;VAR&gt;</c> adds an environment variable to one resource.
/// </summary>
public sealed class DistributedApplicationBuilder
{
    private readonly List<Resource> _resources = [];

    internal DistributedApplicationBuilder(string[] args, IDictionary<string, string?>? overrides)
    {
        Configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables("MENSI_")
            .AddCommandLine(Normalise(args), new Dictionary<string, string> { ["--fresh"] = "Fresh", ["--state-dir"] = "StateDir" })
            .AddInMemoryCollection(overrides ?? new Dictionary<string, string?>())
            .Build();
        RepositoryRoot = Hosting.RepositoryRoot.Find();
        Publish = PublishOptionsFrom(args);
        StateDirectory = Publish is not null ? PublishOptions.ContainerStateDirectory
            : Path.GetFullPath(Configuration["StateDir"] ?? Path.Combine(RepositoryRoot, ".state"));
        PublicUrl = Publish?.PublicUrl.ToString() ?? $"http://localhost:{Configuration.GetValue("gateway-port", 5080)}/";
    }

    /// <summary>Set by <c>publish kubernetes</c>: <see cref="Build"/> then writes manifests of the graph instead of running it.</summary>
    public PublishOptions? Publish { get; }
    /// <summary>The address clients use, ending in '/': the gateway on localhost, or <c>--public-url</c> when publishing.</summary>
    public string PublicUrl { get; }

    public IConfiguration Configuration { get; }
    public string RepositoryRoot { get; }
    /// <summary>Where data lives between runs (<c>--state-dir</c>, default <c>.state/</c>); wiped by <c>--fresh</c>.</summary>
    public string StateDirectory { get; }
    /// <summary>Printed once after every resource is healthy: how to use what was just started.</summary>
    public IList<string> StartedNotes { get; } = [];
    /// <summary>Run once after every resource is healthy, in order (say, seeding a demo); cancelled by Ctrl+C. A failure is logged, not fatal.</summary>
    public IList<Func<DistributedApplication, CancellationToken, Task>> OnStarted { get; } = [];
    public IReadOnlyList<Resource> Resources => _resources;

    public ResourceBuilder<PostgresServerResource> AddPostgres(string name) => Add(new PostgresServerResource(name));
    public ResourceBuilder<RedisResource> AddRedis(string name) => Add(new RedisResource(name));
    public ResourceBuilder<RabbitMqResource> AddRabbitMQ(string name) => Add(new RabbitMqResource(name));

    /// <summary>A service project, by its folder relative to the repository root.</summary>
    public ResourceBuilder<ProjectResource> AddProject(string name, string projectDirectory) => Add(new ProjectResource(name, projectDirectory));

    internal ResourceBuilder<T> Add<T>(T resource) where T : Resource
    {
        if (_resources.Any(r => r.Name == resource.Name)) throw new ArgumentException($"A resource named '{resource.Name}' is already declared.");
        _resources.Add(resource);
        return new ResourceBuilder<T>(this, resource);
    }

    public DistributedApplication Build()
    {
        // Replicas from outside the graph (tests, benchmarks): Resources:<name>:Replicas.
        foreach (var project in _resources.OfType<ProjectResource>())
        {
            if (Configuration.GetValue<int?>($"Resources:{project.Name}:Replicas") is { } replicas) project.Replicas = Math.Max(1, replicas);
        }

        if (Publish is null) AddReplicas();

        // Settings for one resource from outside the graph (benchmarks, tests): Resources:<name>:Environment:<VAR>.
        foreach (var resource in _resources)
        {
            foreach (var setting in Configuration.GetSection($"Resources:{resource.Name}:Environment").GetChildren())
            {
                var value = setting.Value ?? "";
                resource.Environment[setting.Key] = () => value;
            }
        }

        if (Publish is not null)
        {
            var files = KubernetesPublisher.Write(_resources, Publish);
            Console.WriteLine($"Wrote {files.Count} files to {Path.GetFullPath(Publish.Output)}: a Kustomize base and the overlays development and managed. Next: its README.md.");
            System.Environment.Exit(0);
        }

        var instanceLock = InstanceLock.TryAcquire(StateDirectory, out var holder);
        if (instanceLock is null)
        {
            Console.Error.WriteLine($"Another AppHost (pid {holder}) is running with the state folder {StateDirectory}; nothing was started or changed. " +
                                    "Stop it first, or use another folder with --state-dir.");
            System.Environment.Exit(1);
        }

        if (Configuration.GetValue<bool>("Fresh")) StateFolder.WipeContents(StateDirectory, keep: InstanceLock.FileName);
        return new DistributedApplication(_resources, new StateFolder(StateDirectory), RepositoryRoot,
            durable: Configuration.GetValue("Durable", true), quiet: Configuration.GetValue<bool>("Quiet"), [.. StartedNotes], [.. OnStarted])
        {
            InstanceLock = instanceLock,
            // On by default for operators; tests ask for it by giving a port.
            DashboardPort = Configuration.GetValue<bool>("no-dashboard") ? null
                : Configuration.GetValue<int?>("dashboard-port") ?? (DistributedApplicationTesting.Current is null ? DefaultDashboardPort : null),
        };
    }

    /// <summary>
    /// Runs a project with replicas as that many processes: <c>registry</c>, <c>registry-2</c>, ... each with the same
    /// settings, references and waits. What references it learns every replica's address (<c>services__registry__http__0</c>,
    /// <c>__1</c>, ...: Aspire's convention) and waits for all of them; the gateway balances between them.
    /// </summary>
    private void AddReplicas()
    {
        foreach (var project in _resources.OfType<ProjectResource>().Where(p => p.Replicas > 1).ToList())
        {
            var replicas = new List<ProjectResource>();
            for (var i = 2; i <= project.Replicas; i++)
            {
                var replica = new ProjectResource($"{project.Name}-{i}", project.ProjectDirectory) { ReplicaOf = project };
                foreach (var (key, value) in project.Environment) replica.Environment[key] = value;
                foreach (var (key, value) in project.Settings) replica.Settings[key] = value;
                replica.References.AddRange(project.References);
                replica.WaitsFor.AddRange(project.WaitsFor);
                _resources.Insert(_resources.IndexOf(project) + i - 1, replica);
                replicas.Add(replica);
            }

            foreach (var dependent in _resources.Where(r => r.References.Contains(project)).ToList())
            {
                for (var i = 0; i < replicas.Count; i++)
                {
                    var replica = replicas[i];
                    dependent.Environment[$"services__{project.Name}__http__{i + 1}"] = () => replica.HttpEndpoint;
                }

                if (dependent.WaitsFor.Contains(project)) dependent.WaitsFor.AddRange(replicas);
            }
        }
    }

    /// <summary>Where the dashboard listens unless told otherwise (Aspire's dashboard's usual port); a free one when taken.</summary>
    public const int DefaultDashboardPort = 18888;

    public const string Usage = """
        usage: dotnet run --project AppHost [-- OPTIONS]
          --fresh              wipe the state folder first: a new, empty network
          --state-dir DIR      keep the state (data, logs, PIDs) in DIR instead of .state/
          --gateway-port N     the gateway's port on localhost (default 5080)
          --demo               once started, seed the demo network through the public API (idempotent)
          --dashboard-port N   the dashboard's port on localhost (default 18888, another when taken)
          --no-dashboard       no dashboard
          --help               this text

        usage: dotnet run --project AppHost -- publish kubernetes --output DIR [OPTIONS]
          --output DIR         where to write the manifests (a Kustomize base and two overlays)
          --public-url URL     the address clients use, served by the Ingress (default https://mensi.example.org/)
          --image-prefix P     container images are P<service>:TAG (default mensi/)
          --image-tag T        (default latest)

        usage: dotnet run --project AppHost -- demo [--gateway-url URL] [--state-dir DIR]
          seeds the demo network into a network that is already running (default http://localhost:5080/)
        """;

    /// <summary>Refuses what it does not know, with the usage, before anything starts; null when the arguments are fine.</summary>
    public static string? CheckArguments(string[] args)
    {
        if (args is ["publish", ..]) return CheckPublishArguments(args);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--fresh" or "--demo" or "--no-dashboard":
                    continue;
                case "--state-dir" or "--gateway-port" or "--dashboard-port" when i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal):
                    if (args[i] != "--state-dir" && !(int.TryParse(args[i + 1], out var port) && port is > 0 and < 65536)) return $"{args[i]} takes a port number, not '{args[i + 1]}'.";
                    i++;
                    continue;
                case "--state-dir" or "--gateway-port" or "--dashboard-port":
                    return $"{args[i]} needs a value.";
                default:
                    return $"Unknown option or argument '{args[i]}'.";
            }
        }

        return null;
    }

    private static readonly string[] PublishValueOptions = ["--output", "--public-url", "--image-prefix", "--image-tag"];

    private static string? CheckPublishArguments(string[] args)
    {
        if (args is not ["publish", "kubernetes", ..]) return $"'publish' knows one target, kubernetes, not '{(args.Length > 1 ? args[1] : "")}'.";
        for (var i = 2; i < args.Length; i += 2)
        {
            if (!PublishValueOptions.Contains(args[i])) return $"Unknown option or argument '{args[i]}' for publish kubernetes.";
            if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal)) return $"{args[i]} needs a value.";
            if (args[i] == "--public-url" && !(Uri.TryCreate(args[i + 1], UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
            {
                return $"--public-url takes an http(s) address, not '{args[i + 1]}'.";
            }
        }

        return args.Contains("--output") ? null : "publish kubernetes needs --output DIR.";
    }

    private static PublishOptions? PublishOptionsFrom(string[] args)
    {
        if (args is not ["publish", "kubernetes", ..]) return null;
        string? Value(string option) => Array.IndexOf(args, option) is var i and >= 0 ? args[i + 1] : null;
        var publicUrl = Value("--public-url") ?? PublishOptions.DefaultPublicUrl;
        return new PublishOptions(Value("--output")!, new Uri(publicUrl.EndsWith('/') ? publicUrl : publicUrl + "/"),
            Value("--image-prefix") ?? "mensi/", Value("--image-tag") ?? "latest");
    }

    // "--fresh", "--demo" and "--no-dashboard" alone are switches; the configuration command-line provider wants a value.
    private static string[] Normalise(string[] args) =>
        args.SelectMany(a => a is "--fresh" or "--demo" or "--no-dashboard" ? [a, "true"] : new[] { a }).ToArray();
}

/// <summary>The repository's root: the folder holding MenSI.Platform.sln, found from where we run or were built.</summary>
public static class RepositoryRoot
{
    public static string Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "MenSI.Platform.sln"))) return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find MenSI.Platform.sln above the working directory or the program's folder.");
    }
}

public sealed class ResourceBuilder<T>(DistributedApplicationBuilder builder, T resource) where T : Resource
{
    public T Resource { get; } = resource;

    /// <summary>Injects how to reach <paramref name="other"/>: its connection string or its HTTP endpoint.</summary>
    public ResourceBuilder<T> WithReference<TOther>(ResourceBuilder<TOther> other) where TOther : Resource
    {
        Resource.References.Add(other.Resource);
        switch (other.Resource)
        {
            case IResourceWithConnectionString c:
                Resource.Environment[$"ConnectionStrings__{c.Name}"] = () => c.ConnectionString;
                break;
            case IResourceWithHttpEndpoint h:
                Resource.Environment[$"services__{h.Name}__http__0"] = () => h.HttpEndpoint;
                break;
            default:
                throw new ArgumentException($"'{other.Resource.Name}' cannot be referenced: it has neither a connection string nor an endpoint.");
        }

        return this;
    }

    /// <summary>Starts this resource only once <paramref name="other"/> is healthy.</summary>
    public ResourceBuilder<T> WaitFor<TOther>(ResourceBuilder<TOther> other) where TOther : Resource
    {
        Resource.WaitsFor.Add(other.Resource);
        return this;
    }

    public ResourceBuilder<T> WithEnvironment(string name, string value)
    {
        Resource.Environment[name] = () => value;
        Resource.Settings[name] = value;
        return this;
    }

    /// <summary>A credential for a published graph: read from the <c>mensi-secrets</c> Secret's <paramref name="secretKey"/>, never written in a file.</summary>
    public ResourceBuilder<T> WithSecretEnvironment(string name, string secretKey)
    {
        if (builder.Publish is null) throw new InvalidOperationException($"{name} is a credential of published graphs only; the AppHost's local graph needs none.");
        Resource.SecretSettings[name] = secretKey;
        return this;
    }

    public ResourceBuilder<PostgresDatabaseResource> AddDatabase(string name, string? databaseName = null) =>
        Resource is PostgresServerResource server
            ? builder.Add(new PostgresDatabaseResource(name, databaseName ?? name.Replace('-', '_'), server))
            : throw new InvalidOperationException("Databases belong to a PostgreSQL server.");
}

public static class ProjectResourceBuilderExtensions
{
    /// <summary>How many instances a deployment runs (published manifests); the services are safe with several.</summary>
    public static ResourceBuilder<ProjectResource> WithReplicas(this ResourceBuilder<ProjectResource> project, int replicas)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        project.Resource.Replicas = replicas;
        return project;
    }

    /// <summary>Listens on this fixed port (0: a free one). Only the gateway has a well-known port.</summary>
    public static ResourceBuilder<ProjectResource> WithHttpPort(this ResourceBuilder<ProjectResource> project, int port)
    {
        project.Resource.Port = port;
        project.Resource.FixedPort = port != 0;
        return project;
    }
}
