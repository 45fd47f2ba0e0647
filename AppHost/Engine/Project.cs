using System.Reflection;
using System.Xml.Linq;

namespace MenSI.Hosting;

/// <summary>
/// A .NET service of the repository, run from its build output (<c>dotnet &lt;assembly&gt;.dll</c>) with its
/// configuration injected as Aspire does: <c>ASPNETCORE_URLS</c>, <c>ConnectionStrings__*</c>,
/// <c>services__*__http__0</c>, <c>OTEL_SERVICE_NAME</c>, <c>ASPNETCORE_ENVIRONMENT</c>.
/// The AppHost project references every service project, so <c>dotnet run --project AppHost</c> builds them first.
/// </summary>
public sealed class ProjectResource(string name, string projectDirectory) : ProcessResource(name), IResourceWithHttpEndpoint
{
    public string ProjectDirectory { get; } = projectDirectory;
    /// <summary>Declared with a well-known port (the gateway): what operators and front-ends open.</summary>
    public bool FixedPort { get; internal set; }
    /// <summary>Instances (<c>WithReplicas</c>): processes of their own when the AppHost runs the graph, a Deployment's replicas when published.</summary>
    public int Replicas { get; internal set; } = 1;
    /// <summary>For a replica the AppHost runs (<c>registry-2</c>): the project it is a copy of.</summary>
    public ProjectResource? ReplicaOf { get; internal init; }
    /// <summary>Its container image's name: the project's name in lower case, as the SDK's container publishing names it (Directory.Build.props).</summary>
    public string ImageName => Path.GetFileName(ProjectDirectory.TrimEnd('/')).ToLowerInvariant();
    public string HttpEndpoint => $"http://127.0.0.1:{Port}";
    public override string? Endpoint => Port == 0 ? null : HttpEndpoint;
    /// <summary>Services run as developers run them: migrations on start-up, detailed logs.</summary>
    private const string EnvironmentName = "Development";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(3) };

    public override Task StartAsync(RunContext context, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(context.RepositoryRoot, ProjectDirectory);
        var assembly = AssemblyPath(directory);
        if (!File.Exists(assembly))
        {
            throw new InvalidOperationException($"{assembly} is not built. Build the solution (dotnet build) or start through 'dotnet run --project AppHost'.");
        }

        ChoosePortOnce();
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = HttpEndpoint,
            ["ASPNETCORE_ENVIRONMENT"] = EnvironmentName,
            ["DOTNET_ENVIRONMENT"] = EnvironmentName,
            ["OTEL_SERVICE_NAME"] = ReplicaOf?.Name ?? Name,
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            // Each line names its request's trace (=> SpanId, TraceId, ...): one id finds a request in every service's log.
            ["Logging__Console__FormatterOptions__IncludeScopes"] = "true",
        };
        var otlp = System.Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT");
        if (!string.IsNullOrEmpty(otlp)) environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp;
        foreach (var (key, value) in Environment) environment[key] = value();

        Launch(context, new ProcessSpec("dotnet", [assembly, "--contentRoot", Path.GetDirectoryName(assembly)!])
        {
            WorkingDirectory = Path.GetDirectoryName(assembly),
            Environment = environment,
        });
        return Task.CompletedTask;
    }

    public override async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        if (!IsRunning) return false;
        try
        {
            using var response = await Http.GetAsync($"{HttpEndpoint}/health", cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    protected override TimeSpan StopGrace => TimeSpan.FromSeconds(10);

    /// <summary>bin/&lt;configuration&gt;/net10.0/&lt;AssemblyName&gt;.dll, in the configuration the AppHost itself was built in.</summary>
    private static string AssemblyPath(string projectDirectory)
    {
        var project = Directory.GetFiles(projectDirectory, "*.csproj").Single();
        var assemblyName = XDocument.Load(project).Descendants("AssemblyName").FirstOrDefault()?.Value ?? Path.GetFileNameWithoutExtension(project);
        return Path.Combine(projectDirectory, "bin", BuildConfiguration, "net10.0", assemblyName + ".dll");
    }

    // The engine is built in the same configuration as the services it runs (one solution build).
    internal static string BuildConfiguration =>
        typeof(ProjectResource).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
}
