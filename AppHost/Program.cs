using MenSI.AppHost;
using MenSI.AppHost.Demo;
using MenSI.Hosting;
using Microsoft.Extensions.Configuration;

// The MenSI network on one machine (options: --help), or the same graph as Kubernetes manifests (publish kubernetes --output DIR),
// or the demo network seeded into a running one (demo).
if (args is ["demo", ..])
{
    Environment.ExitCode = await DemoCommand.RunAsync(args[1..]);
    return;
}

var builder = DistributedApplication.CreateBuilder(args);

var gatewayPort = builder.Configuration.GetValue("gateway-port", 5080);
// Tokens name the address clients use (the gateway's, or the Ingress's when published); services fetch Identity's keys directly.
var issuer = builder.PublicUrl;

var postgres = builder.AddPostgres("postgres");
var identityDb = postgres.AddDatabase("identity-db");
var registryDb = postgres.AddDatabase("registry-db");
var clustersDb = postgres.AddDatabase("clusters-db");
var coursesDb = postgres.AddDatabase("courses-db");
var communityDb = postgres.AddDatabase("community-db");
var policyDb = postgres.AddDatabase("policy-db");
var redis = builder.AddRedis("redis");
var rabbitmq = builder.AddRabbitMQ("rabbitmq");

var identity = builder.AddProject("identity", "services/Identity")
    .WithReference(identityDb).WithReference(redis)
    .WithEnvironment("Authentication__Issuer", issuer)
    // Development keys, generated on first start and kept with the rest of the state (never in the repository).
    .WithEnvironment("Identity__Keys__Folder", Path.Combine(builder.StateDirectory, "identity-keys"))
    // The gateway's API reference page (/docs) signs people in as this public client, with PKCE. Its address ends in a
    // slash: Scalar redirects /docs to docs/ without the query, which would drop the authorization code on the way back.
    .WithEnvironment("Identity__FrontEnds__mensi-docs__DisplayName", "MenSI API reference")
    .WithEnvironment("Identity__FrontEnds__mensi-docs__RedirectUris__0", issuer + "docs/")
    .WithEnvironment("Identity__FrontEnds__mensi-docs__PostLogoutRedirectUris__0", issuer + "docs/")
    .WaitFor(identityDb).WaitFor(redis);

// Outside Development, Identity signs with the operator's certificates (docs/operations.md, rotating the signing keys).
if (builder.Publish is not null)
{
    var certificates = Path.Combine(builder.StateDirectory, "certificates");
    identity.WithEnvironment("Identity__Keys__SigningCertificate", Path.Combine(certificates, "signing.pfx"))
        .WithEnvironment("Identity__Keys__EncryptionCertificate", Path.Combine(certificates, "encryption.pfx"))
        .WithSecretEnvironment("Identity__Keys__CertificatePassword", "identity-certificate-password");
}

var registry = builder.AddProject("registry", "services/Registry")
    .WithReference(registryDb).WithReference(rabbitmq).WithReference(redis).WithReference(identity)
    .WithEnvironment("Authentication__Issuer", issuer)
    .WaitFor(registryDb).WaitFor(rabbitmq).WaitFor(redis);

// Clusters learns about schools from the Registry's events only: it needs the broker, not the Registry.
var clusters = builder.AddProject("clusters", "services/Clusters")
    .WithReference(clustersDb).WithReference(rabbitmq).WithReference(redis).WithReference(identity)
    .WithEnvironment("Authentication__Issuer", issuer)
    .WaitFor(clustersDb).WaitFor(rabbitmq).WaitFor(redis);

// Courses learns schools' countries from the Registry's events; its credentials name the gateway's public address.
var courses = builder.AddProject("courses", "services/Courses")
    .WithReference(coursesDb).WithReference(rabbitmq).WithReference(redis).WithReference(identity)
    .WithEnvironment("Authentication__Issuer", issuer)
    .WithEnvironment("Badges__PublicBaseUrl", issuer)
    .WaitFor(coursesDb).WaitFor(rabbitmq).WaitFor(redis);

// Community opens each cluster's private space from Clusters' events.
var community = builder.AddProject("community", "services/Community")
    .WithReference(communityDb).WithReference(rabbitmq).WithReference(redis).WithReference(identity)
    .WithEnvironment("Authentication__Issuer", issuer)
    .WaitFor(communityDb).WaitFor(rabbitmq).WaitFor(redis);

// Policy builds its evidence from every other service's events, and from nothing else.
var policy = builder.AddProject("policy", "services/Policy")
    .WithReference(policyDb).WithReference(rabbitmq).WithReference(redis).WithReference(identity)
    .WithEnvironment("Authentication__Issuer", issuer)
    .WaitFor(policyDb).WaitFor(rabbitmq).WaitFor(redis);

var gateway = builder.AddProject("gateway", "gateway")
    .WithHttpPort(gatewayPort)
    .WithReference(registry).WithReference(clusters).WithReference(courses).WithReference(community).WithReference(policy).WithReference(identity).WithReference(redis)
    // The broker: the events that evict its cache of public reads.
    .WithReference(rabbitmq)
    .WithEnvironment("Authentication__Issuer", issuer)
    // Socket completions run on the socket engine's threads instead of being handed to the thread pool: a proxied
    // request's hops (client in, service out, service in, client out) then wake no worker each. Measured under the
    // gateway benchmark (perf stat on the gateway, uncached reads): context switches per request 7.2 -> 5.1-5.9 (a
    // school) and 15.4 -> 5.8-7.4 (a list) over three runs; its CPU per request (194-271 and 263-340 us against 222 and
    // 339) moved less than this machine's noise. For the gateway only, whose continuations are short and never block;
    // the services' database work stays on the thread pool.
    .WithEnvironment("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1")
    .WaitFor(registry).WaitFor(clusters).WaitFor(courses).WaitFor(community).WaitFor(policy).WaitFor(identity);

// On one machine every browser and script is 127.0.0.1, so the per-address limit for anonymous calls (sign-in pages,
// the public directory) would be shared by everyone at once; a published gateway keeps its own, per real address.
if (builder.Publish is null) gateway.WithEnvironment("Gateway__RateLimits__Anonymous__PermitLimit", "3000");

// Published, two of each service and of the gateway (docs/operations.md, scaling). On this machine one of each; tests
// and benchmarks ask for more (Resources:<name>:Replicas), and the AppHost then runs and balances that many processes.
if (builder.Publish is not null)
{
    foreach (var service in new[] { identity, registry, clusters, courses, community, policy, gateway }) service.WithReplicas(2);
}

builder.StartedNotes.Add(DevelopmentAccounts.Recipe(builder.RepositoryRoot, issuer));
if (!builder.Configuration.GetValue<bool>("demo"))
{
    builder.StartedNotes.Add("A demo network (six countries, 120 schools, 24 clusters, a MOOC, ...): dotnet run --project AppHost -- demo, in another terminal.");
}
else
{
    builder.OnStarted.Add(async (app, cancellationToken) =>
    {
        var demo = DemoCommand.For(new Uri(issuer), builder.RepositoryRoot, builder.StateDirectory, app.Log.Say);
        foreach (var line in DemoNetwork.Describe(await demo.SeedAsync(cancellationToken), new Uri(issuer)).Split('\n')) app.Log.Say(line);
    });
}

await builder.Build().RunAsync();

/// <summary>Public so end-to-end tests can start this very graph through DistributedApplicationTesting.</summary>
public partial class Program;
