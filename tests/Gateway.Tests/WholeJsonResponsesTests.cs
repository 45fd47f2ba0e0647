using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MenSI.Hosting;
using MenSI.ServiceDefaults.Http;
using MenSI.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace MenSI.Gateway.Tests;

/// <summary>
/// A service's chunked JSON leaves the gateway whole, with a Content-Length (one send instead of one per chunk), and
/// nothing else changes: a large answer and a stream still flow as they arrive, a service that dies mid-answer is a 503.
/// The misbehaving answers come from a real HTTP server standing in for the Policy service: no real service can be
/// made to die halfway through an answer on demand.
/// </summary>
[Collection(nameof(GatewayCollection))]
public class WholeJsonResponsesTests(GatewayFixture gateway) : IAsyncLifetime
{
    private const int LargeItems = 20_000; // about 250 KB of JSON: beyond what the gateway holds
    private WebApplication? _service;
    private ServiceHost<RateLimitSettings>? _host;
    private Uri _address = null!;

    public async Task InitializeAsync()
    {
        var port = Ports.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        _service = builder.Build();
        _service.MapGet("/api/v1/policy/two-chunks", async context =>
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync("{\"first\":1,");
            await context.Response.Body.FlushAsync();
            await context.Response.WriteAsync("\"second\":2}");
        });
        _service.MapGet("/api/v1/policy/large", async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("[");
            for (var i = 0; i < LargeItems; i++)
            {
                await context.Response.WriteAsync((i > 0 ? "," : "") + $"{{\"n\":{i}}}");
                if (i % 1000 == 0) await context.Response.Body.FlushAsync();
            }

            await context.Response.WriteAsync("]");
        });
        _service.MapGet("/api/v1/policy/dies-halfway", async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"items\":[1,2,3,");
            await context.Response.Body.FlushAsync();
            context.Abort();
        });
        _service.MapGet("/api/v1/policy/events", async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: first\n\n");
            await context.Response.Body.FlushAsync();
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        await _service.StartAsync();

        (_host, _address) = await gateway.StartGatewayAsync(new Dictionary<string, string?>
        {
            ["services:policy:http:0"] = $"http://127.0.0.1:{port}",
            ["Gateway:RateLimits:Anonymous:PermitLimit"] = "100000",
        });
    }

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        if (_service is not null) await _service.DisposeAsync();
    }

    [Fact]
    public async Task A_chunked_json_answer_from_a_real_service_leaves_the_gateway_whole_with_the_same_body()
    {
        using var direct = new HttpClient { BaseAddress = gateway.RegistryAddress };
        using var registry = await direct.GetAsync("/api/v1/schools?pageSize=5");
        Assert.True(registry.Headers.TransferEncodingChunked, "the Registry no longer answers chunked: this test shows nothing");
        using var client = gateway.CreateClient(_address);
        using var viaGateway = await client.GetAsync("/api/v1/schools?pageSize=5");

        Assert.Equal(HttpStatusCode.OK, viaGateway.StatusCode);
        Assert.NotEqual(true, viaGateway.Headers.TransferEncodingChunked);
        var body = await viaGateway.Content.ReadAsByteArrayAsync();
        Assert.Equal(body.Length, viaGateway.Content.Headers.ContentLength);
        Assert.Equal("application/json", viaGateway.Content.Headers.ContentType?.MediaType);
        Assert.Equal(JsonSerializer.Serialize(await registry.Content.ReadFromJsonAsync<JsonElement>()), JsonSerializer.Serialize(JsonSerializer.Deserialize<JsonElement>(body)));
    }

    [Fact]
    public async Task Json_written_in_two_chunks_arrives_as_one_body_with_its_length()
    {
        using var client = gateway.CreateClient(_address);
        using var response = await client.GetAsync("/api/v1/policy/two-chunks");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        Assert.Equal("{\"first\":1,\"second\":2}", await response.Content.ReadAsStringAsync());
        Assert.Equal(Encoding.UTF8.GetByteCount("{\"first\":1,\"second\":2}"), response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task Json_larger_than_the_gateway_holds_is_relayed_complete()
    {
        using var client = gateway.CreateClient(_address);
        using var response = await client.GetAsync("/api/v1/policy/large");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(LargeItems, items.GetArrayLength());
        Assert.Equal(LargeItems - 1, items[LargeItems - 1].GetProperty("n").GetInt32());
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > WholeJsonResponses.MaxHeld);
    }

    [Fact]
    public async Task A_service_that_dies_mid_answer_is_a_503_problem_with_retry_after_not_half_a_body()
    {
        using var client = gateway.CreateClient(_address);
        using var response = await client.GetAsync("/api/v1/policy/dies-halfway");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(ProblemTypes.Unavailable, problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task An_event_stream_is_relayed_as_it_arrives_not_held()
    {
        using var client = gateway.CreateClient(_address);
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var response = await client.GetAsync("/api/v1/policy/events", HttpCompletionOption.ResponseHeadersRead, patience.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(patience.Token));

        // The service holds the stream open for 30 s: the first event must arrive long before.
        Assert.Equal("data: first", await reader.ReadLineAsync(patience.Token));
    }
}
