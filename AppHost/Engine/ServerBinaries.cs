using System.Diagnostics;

namespace MenSI.Hosting;

/// <summary>
/// Finds the machine's PostgreSQL, Redis and RabbitMQ server binaries. When one is missing it installs the Debian
/// package itself where it can (root on a Debian-family system), saying what it runs; elsewhere it stops at once
/// with the exact command that installs it.
/// </summary>
public static class ServerBinaries
{
    public const string DebianPackages = "postgresql redis-server rabbitmq-server";
    public const string InstallCommand = "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y " + DebianPackages;
    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    public static string PostgresBin => Directory.Exists("/usr/lib/postgresql")
        ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "postgres")))
            .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0).FirstOrDefault() ?? ""
        : "";

    public static string RedisServer => FirstExisting("/usr/bin/redis-server", "/usr/local/bin/redis-server");
    public static string RabbitMqServer => FirstExisting("/usr/lib/rabbitmq/bin/rabbitmq-server");
    public static string RabbitMqCtl => FirstExisting("/usr/lib/rabbitmq/bin/rabbitmqctl");
    public static string Epmd => FirstExisting("/usr/bin/epmd", "/usr/lib/erlang/bin/epmd");

    private static bool AllPresent => PostgresBin.Length > 0 && RedisServer.Length > 0 && RabbitMqServer.Length > 0 && Epmd.Length > 0;

    public static async Task EnsureInstalledAsync(Action<string> say, CancellationToken cancellationToken)
    {
        if (AllPresent) return;
        await InstallLock.WaitAsync(cancellationToken);
        try
        {
            if (AllPresent) return;
            if (!ManagedProcess.IsRoot || !File.Exists("/usr/bin/apt-get"))
            {
                throw new InvalidOperationException(
                    $"PostgreSQL, Redis and RabbitMQ server binaries are needed. Install them with:\n  sudo sh -c '{InstallCommand}'");
            }

            say($"Installing the servers from Debian's packages: {InstallCommand}");
            await RunAsync("/bin/sh", ["-c", InstallCommand], say, cancellationToken);
            if (!AllPresent) throw new InvalidOperationException($"'{InstallCommand}' ran but the server binaries are still missing.");
        }
        finally
        {
            InstallLock.Release();
        }
    }

    private static string FirstExisting(params string[] paths) => paths.FirstOrDefault(File.Exists) ?? "";

    public static async Task RunAsync(string file, IEnumerable<string> args, Action<string> say, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            say(await output);
            throw new InvalidOperationException($"{file} {string.Join(' ', info.ArgumentList)} failed ({process.ExitCode}): {await errors}");
        }
    }
}
