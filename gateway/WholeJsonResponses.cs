using System.Buffers;
using MenSI.ServiceDefaults.Http;
using Yarp.ReverseProxy.Transforms;

namespace MenSI.Gateway;

/// <summary>
/// Forwards a service's chunked JSON answer as one whole response with a <c>Content-Length</c>, instead of chunk by
/// chunk. The services write JSON chunked (they serialize straight into the response); relayed as it arrives, a school
/// left the gateway in two sends (the body, then the closing chunk) and a list of twenty in five, each one a trip
/// through the kernel for the gateway and a wake-up for the client, where nginx sends one. Only JSON, which nobody can
/// use half-read, and only up to <see cref="MaxHeld"/>: anything larger, and every stream (events, CSV downloads),
/// is relayed as it arrives. Measured (strace and perf stat on the gateway, uncached reads, two runs each, alternating
/// with and without): a list of twenty schools (9 KB) 5 sends to the client -> 1 and 265-301 -> 202-232 us of gateway
/// CPU per request; a school 2 sends -> 1, its CPU within this machine's noise.
/// </summary>
public static class WholeJsonResponses
{
    public const int MaxHeld = 64 * 1024;

    public static async ValueTask ApplyAsync(ResponseTransformContext transform)
    {
        if (transform.ProxyResponse is not { Content: { } content } proxied || proxied.Headers.TransferEncodingChunked != true
            || content.Headers.ContentType?.MediaType is not { } mediaType || !mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        transform.SuppressResponseBody = true; // this transform writes it
        var response = transform.HttpContext.Response;
        var buffer = ArrayPool<byte>.Shared.Rent(MaxHeld);
        try
        {
            await using var body = await content.ReadAsStreamAsync(transform.CancellationToken);
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), transform.CancellationToken)) > 0) length += read;

            if (length < buffer.Length)
            {
                response.ContentLength = length;
                await response.Body.WriteAsync(buffer.AsMemory(0, length), transform.HttpContext.RequestAborted);
                return;
            }

            // Too large to hold: relayed as it arrives, given up on after the same silence as the forwarder's own copy.
            await response.Body.WriteAsync(buffer, transform.HttpContext.RequestAborted);
            using var silence = CancellationTokenSource.CreateLinkedTokenSource(transform.HttpContext.RequestAborted);
            while (true)
            {
                silence.CancelAfter(GatewayServices.SilenceLimit);
                if ((read = await body.ReadAsync(buffer, silence.Token)) == 0) break;
                await response.Body.WriteAsync(buffer.AsMemory(0, read), silence.Token);
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
        {
            if (transform.HttpContext.RequestAborted.IsCancellationRequested) return; // the client left: nobody to answer

            // The service went away mid-answer. Nothing has reached the client yet unless the answer was too large to hold.
            transform.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WholeJsonResponses))
                .LogWarning(e, "The service behind {Path} stopped answering mid-answer.", transform.HttpContext.Request.Path);
            if (response.HasStarted)
            {
                transform.HttpContext.Abort();
                return;
            }

            response.Clear();
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await Problems.Unavailable(response, "The service behind this route stopped answering; retry shortly.").ExecuteAsync(transform.HttpContext);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
