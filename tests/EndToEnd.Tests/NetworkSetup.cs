using MenSI.Testing;

namespace MenSI.EndToEnd.Tests;

/// <summary>Registry decisions the end-to-end tests set up through the gateway, as a network admin.</summary>
public static class NetworkSetup
{
    /// <summary>Accepts the school into the network (active) and gives it <paramref name="role"/>: mentor or mentee.</summary>
    public static async Task MakeMemberAsync(this HttpClient admin, Guid school, string role)
    {
        foreach (var (path, body) in new (string, object)[]
                 { ("status", new { status = "active", reason = "Accepted into the network." }), ("role", new { networkRole = role, reason = "Chosen by the ministry." }) })
        {
            using var response = await admin.SendJsonAsync(HttpMethod.Post, $"/api/v1/schools/{school}/{path}", body, "*");
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Setting {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
