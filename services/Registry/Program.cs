using MenSI.Registry;
using MenSI.ServiceDefaults;
using MenSI.ServiceDefaults.Data;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddRegistryServices();

var app = builder.Build();
app.UseServiceDefaults();
app.MapRegistryEndpoints();

await app.RunOrMigrateAsync<RegistryDbContext>(args);

/// <summary>Entry point, public so tests can host the service with WebApplicationFactory.</summary>
public partial class Program;
