using MenSI.Courses;
using MenSI.ServiceDefaults;
using MenSI.ServiceDefaults.Data;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCoursesServices();

var app = builder.Build();
app.UseServiceDefaults();
app.MapCoursesEndpoints();

await app.RunOrMigrateAsync<CoursesDbContext>(args);

/// <summary>Internal: test assemblies host several services and only one may own the name Program; tests reach this
/// service through <see cref="MenSI.Courses.CoursesDbContext"/> as the entry-point marker.</summary>
internal partial class Program;
