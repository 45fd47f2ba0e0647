using MenSI.Testing;
using Xunit;

namespace MenSI.Hosting.Tests;

public class BrokerRestartTests
{
    [Fact]
    public async Task A_broker_restarted_after_a_crash_runs_with_one_epmd_not_two()
    {
        var servers = await PlatformServers.GetAsync();
        var broker = await servers.StartPrivateBrokerAsync("rabbitmq-crash");
        try
        {
            var firstEpmd = broker.EpmdPid!.Value;
            ManagedProcess.SendSignal(broker.Pid!.Value, Signal.Kill);
            await broker.Exited!;

            await servers.RestartAsync(broker);

            Assert.NotNull(broker.EpmdPid);
            Assert.NotEqual(firstEpmd, broker.EpmdPid);
            Assert.False(Directory.Exists($"/proc/{firstEpmd}"), $"the crashed node's epmd ({firstEpmd}) is still running");
        }
        finally
        {
            await broker.StopAsync();
        }
    }
}
