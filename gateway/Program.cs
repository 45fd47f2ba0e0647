using MenSI.Gateway;
using MenSI.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddGatewayServices();

var app = builder.Build();
app.UseServiceDefaults();
app.MapGateway();
app.Run();

public partial class Program;
