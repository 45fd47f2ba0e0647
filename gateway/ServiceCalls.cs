using System.Net.Http.Headers;

namespace MenSI.Gateway;

/// <summary>
/// The gateway's own calls to the services behind it (health probes, API documents, the school overview), outside the
/// proxy: one client, not from the client factory, whose resilience handler would retry past the caller's time limit
/// and hide what a probe must report. Each caller bounds its call with a cancellation token.
/// </summary>
internal static class ServiceCalls
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(1),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>GET from the service's replicas in turn until one answers: a replica that is down costs one refused connection.</summary>
    public static async Task<HttpResponseMessage> GetFromAnyReplicaAsync(IReadOnlyList<string> replicas, string path, CancellationToken cancellationToken,
        AuthenticationHeaderValue? authorization = null)
    {
        for (var i = 0; ; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(replicas[i]), path)) { Headers = { Authorization = authorization } };
            try
            {
                return await Http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException) when (i + 1 < replicas.Count)
            {
                // the next replica
            }
        }
    }
}
