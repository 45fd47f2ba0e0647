using MenSI.Gateway;
using MenSI.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddGatewaySecurity();
builder.AddGatewayServices();

var app = builder.Build();
app.UseServiceDefaults(beforeAuthorization: gateway => gateway.UseGatewaySecurity());
app.MapApiDocuments();
app.MapSchoolOverview();
app.MapGateway();
app.Run();

public partial class Program;
