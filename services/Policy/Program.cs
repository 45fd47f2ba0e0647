using MenSI.Policy;
using MenSI.ServiceDefaults;
using MenSI.ServiceDefaults.Data;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddPolicyServices();

var app = builder.Build();
app.UseServiceDefaults();
app.MapPolicyEndpoints();

await app.RunOrMigrateAsync<PolicyDbContext>(args);

/// <summary>Internal: test assemblies host several services and only one may own the name Program; tests reach this
/// service through <see cref="MenSI.Policy.PolicyDbContext"/> as the entry-point marker.</summary>
internal partial class Program;
