using System.Net;
using MenSI.Hosting;
using MenSI.Testing;
using Xunit;

namespace MenSI.Gateway.Tests;

/// <summary>With an OTLP endpoint configured (Aspire's <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>), a request's span is exported there.</summary>
[Collection(nameof(GatewayCollection))]
public class TraceExportTests(GatewayFixture gateway)
{
    [Fact]
    public async Task A_requests_span_is_exported_to_the_configured_OTLP_endpoint()
    {
        using var collector = new HttpListener();
        var collectorPort = Ports.Free();
        collector.Prefixes.Add($"http://127.0.0.1:{collectorPort}/");
        collector.Start();
        var received = new List<(string Path, byte[] Body)>();
        var receiving = Task.Run(async () =>
        {
            while (collector.IsListening)
            {
                HttpListenerContext context;
                try { context = await collector.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                lock (received) received.Add((context.Request.Url!.AbsolutePath, body.ToArray()));
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        });

        var (traced, address) = await gateway.StartGatewayAsync(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{collectorPort}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        });
        await using var _ = traced;

        // A path no other test asks for: its span is this request's (other hosts in this process trace too). That the trace
        // continues the caller's traceparent across processes is TraceContextTests' part (end to end).
        var path = $"/api/v1/schools/{Guid.NewGuid()}";
        using var client = new HttpClient { BaseAddress = address };
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(path)).StatusCode);

        // The spans travel as protobuf, the request's path among their attributes.
        var marker = System.Text.Encoding.UTF8.GetBytes(path);
        var exported = await Eventually.UntilAsync(() =>
        {
            lock (received) return Task.FromResult(received.Any(r => r.Path == "/v1/traces" && r.Body.AsSpan().IndexOf(marker) >= 0));
        }, found => found, TimeSpan.FromSeconds(20));
        collector.Stop();
        await receiving;
        Assert.True(exported, $"no span of {path} reached the collector ({received.Count} exports: {string.Join(", ", received.Select(r => r.Path).Distinct())})");
    }
}
