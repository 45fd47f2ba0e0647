using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace MenSI.Testing;

/// <summary>
/// A service under test, in process, wired to the real private servers exactly as the AppHost would wire it:
/// the same configuration keys, Development environment (so it migrates its database on start).
/// </summary>
public class ServiceHost<TProgram>(IReadOnlyDictionary<string, string?> configuration) : WebApplicationFactory<TProgram> where TProgram : class
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environments.Development);
        foreach (var (key, value) in configuration) builder.UseSetting(key, value);
        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(configuration));
    }
}

public static class HealthWaits
{
    /// <summary>Polls <c>/health</c> until it answers 200: the bus connects in the background after start.</summary>
    public static async Task WaitHealthyAsync(this HttpClient client, TimeSpan? timeout = null)
    {
        using var response = await Eventually.UntilAsync(() => client.GetAsync(new Uri("/health", UriKind.Relative)),
            r => r.IsSuccessStatusCode, timeout ?? TimeSpan.FromSeconds(30));
        if (!response.IsSuccessStatusCode)
        {
            throw new TimeoutException($"/health still answers {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
