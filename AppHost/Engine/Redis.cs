using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace MenSI.Hosting;

/// <summary>A private Redis on 127.0.0.1. Durable runs keep an append-only file in the state folder.</summary>
public sealed class RedisResource(string name) : ProcessResource(name), IResourceWithConnectionString
{
    public string ConnectionString => $"127.0.0.1:{Port}";

    public override Task StartAsync(RunContext context, CancellationToken cancellationToken)
    {
        var folder = context.State.Resource(Name);
        ChoosePortOnce();
        Launch(context, new ProcessSpec(ServerBinaries.RedisServer,
            ["--bind", "127.0.0.1", "--port", Port.ToString(CultureInfo.InvariantCulture), "--dir", folder, "--save", "",
             "--appendonly", context.Durable ? "yes" : "no", "--daemonize", "no"])
        { WorkingDirectory = folder });
        return Task.CompletedTask;
    }

    public override async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        if (!IsRunning) return false;
        var reply = await Probe.ExchangeAsync(Port, "PING\r\n"u8.ToArray(), cancellationToken);
        return reply is not null && Encoding.ASCII.GetString(reply).StartsWith("+PONG", StringComparison.Ordinal);
    }
}

internal static class Probe
{
    /// <summary>Sends <paramref name="request"/> to 127.0.0.1:<paramref name="port"/> and returns the first bytes of the reply.</summary>
    public static async Task<byte[]?> ExchangeAsync(int port, byte[] request, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(request, timeout.Token);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return read > 0 ? buffer[..read] : null;
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return null;
        }
    }
}
