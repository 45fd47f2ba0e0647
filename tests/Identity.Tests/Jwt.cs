using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace MenSI.Identity.Tests;

/// <summary>Reads a JWT's header and payload without validating it: what a token says, not whether to trust it.</summary>
internal static class Jwt
{
    public static JsonElement Header(string token) => Part(token, 0);
    public static JsonElement Payload(string token) => Part(token, 1);

    private static JsonElement Part(string token, int index) =>
        JsonDocument.Parse(Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(token.Split('.')[index]))).RootElement.Clone();
}
