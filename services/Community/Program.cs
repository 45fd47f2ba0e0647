using MenSI.Community;
using MenSI.ServiceDefaults;
using MenSI.ServiceDefaults.Data;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCommunityServices();

var app = builder.Build();
app.UseServiceDefaults();
app.MapCommunityEndpoints();

await app.RunOrMigrateAsync<CommunityDbContext>(args);

/// <summary>Internal: test assemblies host several services and only one may own the name Program; tests reach this
/// service through <see cref="MenSI.Community.CommunityDbContext"/> as the entry-point marker.</summary>
internal partial class Program;
