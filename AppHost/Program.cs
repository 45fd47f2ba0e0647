using Microsoft.Extensions.Configuration;
using MenSI.Hosting;

// The MenSI network on one machine. Options: --fresh (wipe the state folder), --state-dir DIR, --gateway-port N.
var builder = DistributedApplication.CreateBuilder(args);

var postgres = builder.AddPostgres("postgres");
var registryDb = postgres.AddDatabase("registry-db");
var redis = builder.AddRedis("redis");
var rabbitmq = builder.AddRabbitMQ("rabbitmq");

var registry = builder.AddProject("registry", "services/Registry")
    .WithReference(registryDb).WithReference(rabbitmq).WithReference(redis)
    .WaitFor(registryDb).WaitFor(rabbitmq).WaitFor(redis);

builder.AddProject("gateway", "gateway")
    .WithHttpPort(builder.Configuration.GetValue("gateway-port", 5080))
    .WithReference(registry).WithReference(redis)
    .WaitFor(registry);

await builder.Build().RunAsync();

/// <summary>Public so end-to-end tests can start this very graph through DistributedApplicationTesting.</summary>
public partial class Program;
