using System.Text;
using Microsoft.Extensions.Configuration;

namespace MenSI.AppHost;

/// <summary>
/// The console recipe for trying the API in a minute: the development users and machine client Identity seeds
/// (from its own appsettings.Development.json, so the two never disagree) and how to get a token for each.
/// </summary>
internal static class DevelopmentAccounts
{
    private static IConfigurationSection Seed(string repositoryRoot) => new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(repositoryRoot, "services/Identity/appsettings.Development.json"), optional: true)
        .Build().GetSection("Identity:Seed");

    /// <summary>The seeded network admin: who seeds the demo network.</summary>
    public static (string Email, string Password) Admin(string repositoryRoot)
    {
        var seed = Seed(repositoryRoot);
        var admin = seed.GetSection("Users").GetChildren().FirstOrDefault(u => u["Role"] == "network-admin")
                    ?? throw new InvalidOperationException("Identity's appsettings.Development.json seeds no network admin.");
        return (admin["Email"]!, seed["Password"]!);
    }

    public static string Recipe(string repositoryRoot, string gateway)
    {
        var seed = Seed(repositoryRoot);
        var password = seed["Password"];
        var text = new StringBuilder();
        text.AppendLine("Development accounts (password for every user: " + password + "):");
        foreach (var user in seed.GetSection("Users").GetChildren())
        {
            var scope = user["Country"] ?? user["SchoolId"];
            text.AppendLine($"  {user["Role"],-20} {user["Email"],-28} {scope}");
            text.AppendLine($"      token: scripts/token.sh {user["Email"]}");
        }

        foreach (var client in seed.GetSection("Clients").GetChildren())
        {
            text.AppendLine($"  machine client       {client["ClientId"],-28} {client["Country"]}");
            text.AppendLine($"      token: curl -s {gateway}connect/token -d grant_type=client_credentials -d client_id={client["ClientId"]} -d client_secret={client["Secret"]}");
        }

        text.Append("  then:  curl -H \"Authorization: Bearer $TOKEN\" " + gateway + "api/v1/schools ...");
        return text.ToString();
    }
}
