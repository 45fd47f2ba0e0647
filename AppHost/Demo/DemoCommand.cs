using System.Runtime.InteropServices;
using MenSI.Hosting;

namespace MenSI.AppHost.Demo;

/// <summary>
/// <c>dotnet run --project AppHost -- demo</c>: seeds the demo network into a network that is already running (another
/// terminal's AppHost, or any deployment whose development admin is seeded), touching nothing but its public API.
/// </summary>
public static class DemoCommand
{
    public const string Usage = """
        usage: dotnet run --project AppHost -- demo [OPTIONS]     (seeds a running network; --demo seeds the one being started)
          --gateway-url URL    the gateway to seed through (default http://localhost:5080/)
          --state-dir DIR      where the demo keeps the ministry systems' secrets (default .state/, the AppHost's)
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (args[i] is not ("--gateway-url" or "--state-dir") || i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                await Console.Error.WriteLineAsync($"Unknown option, or one without its value: '{args[i]}'.\n{Usage}");
                return 2;
            }

            options[args[i]] = args[i + 1];
        }

        var url = options.GetValueOrDefault("--gateway-url", "http://localhost:5080/");
        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var gateway) || gateway.Scheme is not ("http" or "https"))
        {
            await Console.Error.WriteLineAsync($"--gateway-url takes an http(s) address, not '{url}'.\n{Usage}");
            return 2;
        }

        var root = RepositoryRoot.Find();
        var state = Path.GetFullPath(options.GetValueOrDefault("--state-dir", Path.Combine(root, ".state")));
        Directory.CreateDirectory(state);
        using var cancel = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; cancel.Cancel(); });
        try
        {
            var summary = await For(gateway, root, state, Console.WriteLine).SeedAsync(cancel.Token);
            Console.WriteLine(DemoNetwork.Describe(summary, gateway));
            return 0;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("Stopped; run it again to finish (what is there is kept, nothing is made twice).");
            return 130;
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException)
        {
            await Console.Error.WriteLineAsync($"The demo could not be seeded: {e.Message}");
            return 1;
        }
    }

    /// <summary>The demo seeded as the development network admin that Identity seeds (its own appsettings.Development.json).</summary>
    public static DemoNetwork For(Uri gateway, string repositoryRoot, string stateDirectory, Action<string> say)
    {
        var admin = DevelopmentAccounts.Admin(repositoryRoot);
        return new DemoNetwork(gateway, admin.Email, admin.Password, stateDirectory, say);
    }
}
