using MenSI.Clusters;
using MenSI.ServiceDefaults;
using MenSI.ServiceDefaults.Data;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddClustersServices();

var app = builder.Build();
app.UseServiceDefaults();
app.MapClustersEndpoints();

await app.RunOrMigrateAsync<ClustersDbContext>(args);

/// <summary>Internal: test assemblies host several services and only one may own the name Program; tests reach this
/// service through <see cref="MenSI.Clusters.ClustersDbContext"/> as the entry-point marker.</summary>
internal partial class Program;
