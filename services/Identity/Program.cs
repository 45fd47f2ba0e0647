using MenSI.Identity;
using MenSI.ServiceDefaults;
using MenSI.ServiceDefaults.Data;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddIdentityServices();

var app = builder.Build();
app.UseServiceDefaults();
app.MapIdentityEndpoints();

await app.RunOrMigrateAsync<IdentityDbContext>(args);

/// <summary>Internal on purpose: test assemblies host several services, and only one may own the name Program.
/// Tests reach Identity through <see cref="MenSI.Identity.IdentityDbContext"/> as the entry-point marker.</summary>
internal partial class Program;
