using System.Text;
using MenSI.Hosting;
using Microsoft.Playwright;
using RabbitMQ.Client;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace MenSI.EndToEnd.Tests;

public partial class OperatorDashboardTests
{
    private static readonly LocatorAssertionsToHaveTextOptions Patiently = new() { Timeout = 90_000 };

    [Fact]
    public async Task The_dashboard_shows_every_resource_a_killed_service_coming_back_a_restart_logs_and_moves_a_failed_message_back()
    {
        var dashboard = graph.App.Dashboard!;
        var link = dashboard.NewLoginLink();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(Browsers.Chromium);
        var page = await browser.NewPageAsync();
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync(); // "Restart policy?"

        // Signed in by the one-time link; the same link a second time (another browser) is refused.
        await page.GotoAsync(link.ToString());
        Assert.Equal(dashboard.Address.ToString(), page.Url);
        await using (var stranger = await browser.NewContextAsync())
        {
            var again = await (await stranger.NewPageAsync()).GotoAsync(link.ToString());
            Assert.Equal(401, again!.Status);
            var api = await (await stranger.NewPageAsync()).GotoAsync(new Uri(dashboard.Address, "api/resources").ToString());
            Assert.Equal(401, api!.Status);
        }

        // Every resource, healthy, with the PID the AppHost knows.
        var rows = page.Locator("#resources tbody tr");
        await Expect(rows).ToHaveCountAsync(graph.App.Resources.Count);
        foreach (var resource in graph.App.Resources)
        {
            await Expect(Cell(page, resource.Name, "data-state")).ToHaveTextAsync("healthy");
            if (resource.Pid is { } pid) await Expect(Cell(page, resource.Name, "data-pid")).ToHaveTextAsync(pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        await Expect(page.Locator("#summary")).ToContainTextAsync($"{graph.App.Resources.Count} of {graph.App.Resources.Count} resources healthy");
        await Expect(Cell(page, "registry", "data-outbox")).ToHaveTextAsync("0 pending");

        // Community is killed: the page shows it back, restarted once, under a new PID.
        var community = graph.App["community"];
        var killed = community.Pid!.Value;
        var restarts = community.Restarts;
        ManagedProcess.SendSignal(killed, Signal.Kill);
        await Expect(Cell(page, "community", "data-restarts")).ToHaveTextAsync((restarts + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Patiently);
        await Expect(Cell(page, "community", "data-state")).ToHaveTextAsync("healthy", Patiently);
        Assert.NotEqual(killed.ToString(System.Globalization.CultureInfo.InvariantCulture), await Cell(page, "community", "data-pid").TextContentAsync());

        // Restart from the page: Policy stops and comes back healthy under a new PID.
        var (policyPid, policyRestarts) = (graph.App["policy"].Pid, graph.App["policy"].Restarts);
        await page.Locator("tr[data-resource='policy'] button[data-action='restart']").ClickAsync();
        await Expect(Cell(page, "policy", "data-restarts")).ToHaveTextAsync((policyRestarts + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Patiently);
        await Expect(Cell(page, "policy", "data-state")).ToHaveTextAsync("healthy", Patiently);
        Assert.NotEqual(policyPid, graph.App["policy"].Pid);

        // Logs with search: the AppHost's own account of the kill.
        await page.SelectOptionAsync("#log-resource", "apphost");
        await page.FillAsync("#log-search", "community exited unexpectedly");
        await Expect(page.Locator("#log")).ToContainTextAsync("community exited unexpectedly", new() { Timeout = 10_000 });
        await Expect(page.Locator("#log")).Not.ToContainTextAsync("Every resource healthy");

        await MovesAFailedMessageBackAsync(page);
    }

    /// <summary>
    /// A queue and its error queue holding a message a consumer refused (as MassTransit parks one: fault headers, the
    /// original body); the page reads it, and moves it back to its queue, without the fault headers.
    /// </summary>
    private async Task MovesAFailedMessageBackAsync(IPage page)
    {
        var factory = new ConnectionFactory { Uri = new Uri(graph.App.Get<RabbitMqResource>("rabbitmq").ConnectionString) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        const string queue = "dashboard-probe";
        const string errorQueue = queue + "_error";
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueDeclareAsync(errorQueue, durable: true, exclusive: false, autoDelete: false);
        var messageId = Guid.NewGuid().ToString();
        var body = Encoding.UTF8.GetBytes("""{"schoolId":"not-a-guid"}""");
        await channel.BasicPublishAsync("", errorQueue, mandatory: true, new BasicProperties
        {
            MessageId = messageId, ContentType = "application/json", Persistent = true,
            Headers = new Dictionary<string, object?> { ["MT-Reason"] = "fault", ["MT-Fault-Message"] = "schoolId is not a uuid", ["cloudEvents:type"] = "mensi.probe" },
        }, body);
        try
        {
            var row = page.Locator($"tr[data-queue='{errorQueue}']");
            await Expect(row.Locator("td[data-messages]")).ToHaveTextAsync("1", Patiently);
            await row.Locator("button[data-action='inspect']").ClickAsync();
            var failed = page.Locator($"#failed-messages li[data-message-id='{messageId}']");
            await Expect(failed).ToContainTextAsync("schoolId is not a uuid");
            await Expect(failed.Locator("pre.body")).ToContainTextAsync("not-a-guid");
            // Reading it did not take it: it is still there to move.
            Assert.Equal(1u, (await channel.QueueDeclarePassiveAsync(errorQueue)).MessageCount);

            await failed.Locator("button[data-action='move']").ClickAsync();
            await Expect(page.Locator("#queues-status")).ToContainTextAsync($"Moved 1 message(s) back from {errorQueue}");
            Assert.Equal(0u, (await channel.QueueDeclarePassiveAsync(errorQueue)).MessageCount);
            var back = await channel.BasicGetAsync(queue, autoAck: true);
            Assert.NotNull(back);
            Assert.Equal(messageId, back.BasicProperties.MessageId);
            Assert.Equal(body, back.Body.ToArray());
            // Its own headers kept, the fault's gone (the AMQP client adds its publish sequence number, as to every confirmed publish).
            Assert.Equal("mensi.probe", Encoding.UTF8.GetString((byte[])back.BasicProperties.Headers!["cloudEvents:type"]!));
            Assert.DoesNotContain(back.BasicProperties.Headers.Keys, key => key.StartsWith("MT-", StringComparison.Ordinal));
        }
        finally
        {
            await channel.QueueDeleteAsync(queue);
            await channel.QueueDeleteAsync(errorQueue);
        }
    }

    private static ILocator Cell(IPage page, string resource, string attribute) => page.Locator($"tr[data-resource='{resource}'] td[{attribute}]");
}
