using k8s;
using k8s.Models;

namespace MenSI.Hosting.Publishing;

/// <summary>
/// The graph the AppHost runs, as Kubernetes objects (typed models, never text templates): per service a Deployment
/// (its replicas, requests, <c>/alive</c> and <c>/health</c> probes, non-root) and a Service; a migration Job per
/// service with a database; the gateway behind an Ingress; configuration in ConfigMaps, credentials in Secrets with
/// placeholders only. Backing servers are either simple StatefulSets (a development cluster) or managed instances,
/// whose connection strings the operator puts into the <c>mensi-connections</c> Secret.
/// </summary>
public static class KubernetesManifests
{
    public const string Port = "http";
    public const int ContainerPort = 8080;
    public const string ConnectionsSecret = "mensi-connections";
    public const string BackingSecret = "mensi-backing";
    public const string SharedConfig = "mensi-shared";
    public const string SettingsSecret = "mensi-secrets";
    public const string CertificatesSecret = "mensi-certificates";
    public const string Placeholder = "CHANGE-ME";
    private const string PostgresUser = "mensi";

    /// <summary>Objects every deployment has: the services, their configuration, the ingress.</summary>
    public static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Base(IReadOnlyList<Resource> graph, PublishOptions options)
    {
        var objects = new List<IKubernetesObject<V1ObjectMeta>>
        {
            new V1ConfigMap
            {
                ApiVersion = "v1", Kind = "ConfigMap", Metadata = Meta(SharedConfig),
                // OTLP: point it at your collector; empty exports nothing (the services then skip OpenTelemetry).
                Data = new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "", ["ASPNETCORE_ENVIRONMENT"] = "Production" },
            },
        };

        foreach (var project in graph.OfType<ProjectResource>())
        {
            var settings = Settings(project, options);
            objects.Add(new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = Meta(project.Name + "-config"), Data = settings });
            objects.Add(Deployment(project, options, settings));
            objects.Add(new V1Service
            {
                ApiVersion = "v1", Kind = "Service", Metadata = Meta(project.Name),
                Spec = new V1ServiceSpec
                {
                    Selector = Labels(project.Name),
                    Ports = [new V1ServicePort { Name = Port, Port = ContainerPort, TargetPort = Port }],
                },
            });
            if (project.References.Any(r => r is PostgresDatabaseResource)) objects.Add(MigrationJob(project, options));
        }

        var gateway = graph.OfType<ProjectResource>().Single(p => p.FixedPort);
        objects.Add(new V1Ingress
        {
            ApiVersion = "networking.k8s.io/v1", Kind = "Ingress", Metadata = Meta(gateway.Name),
            Spec = new V1IngressSpec
            {
                Rules =
                [
                    new V1IngressRule
                    {
                        Host = options.PublicUrl.Host,
                        Http = new V1HTTPIngressRuleValue
                        {
                            Paths =
                            [
                                new V1HTTPIngressPath
                                {
                                    Path = "/", PathType = "Prefix",
                                    Backend = new V1IngressBackend { Service = new V1IngressServiceBackend { Name = gateway.Name, Port = new V1ServiceBackendPort { Name = Port } } },
                                },
                            ],
                        },
                    },
                ],
            },
        });
        return objects;
    }

    /// <summary>A development cluster's own servers: one-replica StatefulSets with volumes, and the Secrets they and the services share.</summary>
    public static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> DevelopmentServers(IReadOnlyList<Resource> graph)
    {
        var databases = graph.OfType<PostgresDatabaseResource>().ToList();
        var objects = new List<IKubernetesObject<V1ObjectMeta>>
        {
            new V1Secret
            {
                ApiVersion = "v1", Kind = "Secret", Metadata = Meta(BackingSecret), Type = "Opaque",
                StringData = new Dictionary<string, string>
                {
                    ["postgres-password"] = Placeholder, ["redis-password"] = Placeholder, ["rabbitmq-password"] = Placeholder,
                },
            },
            ConnectionStringsSecret(graph, r => r switch
            {
                PostgresDatabaseResource db => $"Host={db.Server.Name};Port=5432;Username={PostgresUser};Password={Placeholder};Database={db.DatabaseName};Maximum Pool Size=50;Timeout=5",
                RedisResource redis => $"{redis.Name}:6379,password={Placeholder}",
                RabbitMqResource rabbit => $"amqp://{PostgresUser}:{Placeholder}@{rabbit.Name}:5672/",
                _ => throw new NotSupportedException(r.Name),
            }),
            new V1ConfigMap
            {
                ApiVersion = "v1", Kind = "ConfigMap", Metadata = Meta("postgres-init"),
                Data = new Dictionary<string, string>
                {
                    ["databases.sql"] = string.Concat(databases.Select(d => $"CREATE DATABASE \"{d.DatabaseName}\";\n")),
                },
            },
        };

        foreach (var server in graph.OfType<PostgresServerResource>())
        {
            objects.AddRange(Server(server.Name, "postgres:17", 5432, "/var/lib/postgresql/data",
                [Env("POSTGRES_USER", PostgresUser), Secret("POSTGRES_PASSWORD", BackingSecret, "postgres-password"), Env("PGDATA", "/var/lib/postgresql/data/pgdata")],
                args: null, initScripts: "postgres-init"));
        }

        foreach (var redis in graph.OfType<RedisResource>())
        {
            objects.AddRange(Server(redis.Name, "redis:7", 6379, "/data", [Secret("REDIS_PASSWORD", BackingSecret, "redis-password")],
                args: ["--requirepass", "$(REDIS_PASSWORD)", "--appendonly", "yes"], initScripts: null));
        }

        foreach (var rabbit in graph.OfType<RabbitMqResource>())
        {
            objects.AddRange(Server(rabbit.Name, "rabbitmq:4", 5672, "/var/lib/rabbitmq",
                [Env("RABBITMQ_DEFAULT_USER", PostgresUser), Secret("RABBITMQ_DEFAULT_PASS", BackingSecret, "rabbitmq-password")], args: null, initScripts: null));
        }

        return objects;
    }

    /// <summary>Managed PostgreSQL, Redis and RabbitMQ: only the connection strings, which the operator fills in.</summary>
    public static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> ManagedServers(IReadOnlyList<Resource> graph) =>
        [ConnectionStringsSecret(graph, r => $"{Placeholder}: the connection string of your managed {Kind(r)} for '{r.Name}'")];

    private static string Kind(Resource r) => r switch
    {
        PostgresDatabaseResource => "PostgreSQL database",
        RedisResource => "Redis",
        RabbitMqResource => "RabbitMQ (amqp://user:password@host:5672/)",
        _ => r.GetType().Name,
    };

    private static V1Secret ConnectionStringsSecret(IReadOnlyList<Resource> graph, Func<Resource, string> connectionString) => new()
    {
        ApiVersion = "v1", Kind = "Secret", Metadata = Meta(ConnectionsSecret), Type = "Opaque",
        StringData = graph.OfType<IResourceWithConnectionString>().Cast<Resource>().ToDictionary(r => r.Name, connectionString),
    };

    /// <summary>
    /// A service's non-secret settings, as the AppHost gives them when it runs the service: the AppHost's own local
    /// addresses replaced by the cluster's (each service is <c>http://&lt;name&gt;:8080</c>).
    /// </summary>
    public static Dictionary<string, string> Settings(ProjectResource project, PublishOptions options)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal) { ["OTEL_SERVICE_NAME"] = project.Name };
        foreach (var reference in project.References.OfType<IResourceWithHttpEndpoint>())
        {
            settings[$"services__{reference.Name}__http__0"] = $"http://{reference.Name}:{ContainerPort}";
        }

        foreach (var (key, value) in project.Settings) settings[key] = value;
        return settings;
    }

    private static V1Deployment Deployment(ProjectResource project, PublishOptions options, Dictionary<string, string> settings)
    {
        var container = Container(project, options);
        container.Ports = [new V1ContainerPort { Name = Port, ContainerPort = ContainerPort }];
        container.ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/health", Port = Port }, PeriodSeconds = 10, FailureThreshold = 3 };
        container.LivenessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/alive", Port = Port }, PeriodSeconds = 10, FailureThreshold = 6 };
        container.StartupProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/alive", Port = Port }, PeriodSeconds = 2, FailureThreshold = 60 };
        var volumes = StateVolumes(settings);
        container.VolumeMounts = volumes.Count == 0 ? null
            : [.. volumes.Select(v => new V1VolumeMount { Name = v.Volume.Name, MountPath = v.Path, ReadOnlyProperty = v.Volume.Secret is not null ? true : null })];

        return new V1Deployment
        {
            ApiVersion = "apps/v1", Kind = "Deployment", Metadata = Meta(project.Name),
            Spec = new V1DeploymentSpec
            {
                Replicas = project.Replicas,
                Selector = new V1LabelSelector { MatchLabels = Labels(project.Name) },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = Labels(project.Name) },
                    Spec = new V1PodSpec
                    {
                        Containers = [container],
                        SecurityContext = new V1PodSecurityContext { RunAsNonRoot = true, RunAsUser = 1654, FsGroup = 1654 },
                        // A rolling update drains a pod before stopping it: the services finish in-flight requests on SIGTERM.
                        TerminationGracePeriodSeconds = 30,
                        Volumes = volumes.Count == 0 ? null : [.. volumes.Select(v => v.Volume)],
                    },
                },
            },
        };
    }

    /// <summary>Runs the service's <c>migrate</c> command: apply it before rolling out a version (docs/operations.md).</summary>
    private static V1Job MigrationJob(ProjectResource project, PublishOptions options)
    {
        var container = Container(project, options);
        container.Args = ["migrate"];
        return new V1Job
        {
            ApiVersion = "batch/v1", Kind = "Job", Metadata = Meta(project.Name + "-migrate"),
            Spec = new V1JobSpec
            {
                BackoffLimit = 3,
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = project.Name + "-migrate", ["app.kubernetes.io/part-of"] = "mensi" } },
                    Spec = new V1PodSpec
                    {
                        Containers = [container],
                        RestartPolicy = "OnFailure",
                        SecurityContext = new V1PodSecurityContext { RunAsNonRoot = true, RunAsUser = 1654 },
                    },
                },
            },
        };
    }

    /// <summary>The container both the Deployment and its migration Job run: image, configuration, connection strings, requests.</summary>
    private static V1Container Container(ProjectResource project, PublishOptions options) => new()
    {
        Name = project.Name,
        Image = $"{options.ImagePrefix}{project.ImageName}:{options.ImageTag}",
        EnvFrom = [new V1EnvFromSource { ConfigMapRef = new V1ConfigMapEnvSource { Name = SharedConfig } }, new V1EnvFromSource { ConfigMapRef = new V1ConfigMapEnvSource { Name = project.Name + "-config" } }],
        Env =
        [
            .. project.References.OfType<IResourceWithConnectionString>().Select(c => Secret($"ConnectionStrings__{c.Name}", ConnectionsSecret, c.Name)),
            .. project.SecretSettings.Select(s => Secret(s.Key, SettingsSecret, s.Value)),
        ],
        Resources = new V1ResourceRequirements
        {
            Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m"), ["memory"] = new("256Mi") },
            Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("512Mi") },
        },
        SecurityContext = new V1SecurityContext { AllowPrivilegeEscalation = false, Capabilities = new V1Capabilities { Drop = ["ALL"] } },
    };

    /// <summary>
    /// Settings that name a place in the state directory: files under <see cref="PublishOptions.CertificatesFolder"/>
    /// come read-only from the <c>mensi-certificates</c> Secret; any other folder is the pod's own scratch space.
    /// </summary>
    private static List<(V1Volume Volume, string Path)> StateVolumes(Dictionary<string, string> settings)
    {
        var volumes = new List<(V1Volume, string)>();
        var certificates = PublishOptions.ContainerStateDirectory + "/" + PublishOptions.CertificatesFolder;
        if (settings.Values.Any(v => v.StartsWith(certificates + "/", StringComparison.Ordinal)))
        {
            volumes.Add((new V1Volume { Name = CertificatesSecret, Secret = new V1SecretVolumeSource { SecretName = CertificatesSecret } }, certificates));
        }

        foreach (var folder in settings.Values.Where(v => v.StartsWith(PublishOptions.ContainerStateDirectory + "/", StringComparison.Ordinal) && !v.StartsWith(certificates, StringComparison.Ordinal)).Distinct())
        {
            volumes.Add((new V1Volume { Name = "state-" + Path.GetFileName(folder), EmptyDir = new V1EmptyDirVolumeSource() }, folder));
        }

        return volumes;
    }

    /// <summary>The Secrets the services' settings name: credentials by key, and the certificate files. Placeholders only.</summary>
    public static IReadOnlyList<V1Secret> ServiceSecrets(IReadOnlyList<Resource> graph) =>
    [
        new()
        {
            ApiVersion = "v1", Kind = "Secret", Metadata = Meta(SettingsSecret), Type = "Opaque",
            StringData = graph.SelectMany(r => r.SecretSettings.Values).Distinct().ToDictionary(key => key, _ => Placeholder),
        },
        new()
        {
            ApiVersion = "v1", Kind = "Secret", Metadata = Meta(CertificatesSecret), Type = "Opaque",
            StringData = graph.OfType<ProjectResource>().SelectMany(p => p.Settings.Values)
                .Where(v => v.StartsWith(PublishOptions.ContainerStateDirectory + "/" + PublishOptions.CertificatesFolder + "/", StringComparison.Ordinal))
                .Distinct().ToDictionary(file => Path.GetFileName(file), file => $"{Placeholder}: {file} (PKCS#12; kubectl create secret generic {CertificatesSecret} --from-file=...)"),
        },
    ];

    private static IEnumerable<IKubernetesObject<V1ObjectMeta>> Server(string name, string image, int port, string dataPath, List<V1EnvVar> env,
        List<string>? args, string? initScripts)
    {
        var mounts = new List<V1VolumeMount> { new() { Name = "data", MountPath = dataPath } };
        List<V1Volume>? volumes = null;
        if (initScripts is not null)
        {
            mounts.Add(new V1VolumeMount { Name = "init", MountPath = "/docker-entrypoint-initdb.d" });
            volumes = [new V1Volume { Name = "init", ConfigMap = new V1ConfigMapVolumeSource { Name = initScripts } }];
        }

        yield return new V1StatefulSet
        {
            ApiVersion = "apps/v1", Kind = "StatefulSet", Metadata = Meta(name),
            Spec = new V1StatefulSetSpec
            {
                ServiceName = name, Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = Labels(name) },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = Labels(name) },
                    Spec = new V1PodSpec
                    {
                        Containers =
                        [
                            new V1Container
                            {
                                Name = name, Image = image, Env = env, Args = args, VolumeMounts = mounts,
                                Ports = [new V1ContainerPort { Name = "server", ContainerPort = port }],
                                ReadinessProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = "server" }, PeriodSeconds = 5 },
                            },
                        ],
                        Volumes = volumes,
                    },
                },
                VolumeClaimTemplates =
                [
                    new V1PersistentVolumeClaim
                    {
                        Metadata = new V1ObjectMeta { Name = "data" },
                        Spec = new V1PersistentVolumeClaimSpec
                        {
                            AccessModes = ["ReadWriteOnce"],
                            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("5Gi") } },
                        },
                    },
                ],
            },
        };
        yield return new V1Service
        {
            ApiVersion = "v1", Kind = "Service", Metadata = Meta(name),
            Spec = new V1ServiceSpec { Selector = Labels(name), Ports = [new V1ServicePort { Name = "server", Port = port, TargetPort = "server" }] },
        };
    }

    private static V1EnvVar Env(string name, string value) => new() { Name = name, Value = value };

    private static V1EnvVar Secret(string name, string secret, string key) =>
        new() { Name = name, ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secret, Key = key } } };

    private static V1ObjectMeta Meta(string name) => new() { Name = name, Labels = Labels(name) };

    private static Dictionary<string, string> Labels(string name) => new() { ["app.kubernetes.io/name"] = name, ["app.kubernetes.io/part-of"] = "mensi" };
}
