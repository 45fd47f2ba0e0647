using System.Text.Json.Nodes;
using MenSI.Testing.Security;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace MenSI.EndToEnd.Tests;

public partial class ApiDocumentTests
{
    // The first load gathers every service's document, each made on its service's first request.
    private static readonly LocatorAssertionsToBeVisibleOptions Patiently = new() { Timeout = 60_000 };

    /// <summary>
    /// What a front-end developer does on /docs, in a real browser: read the conventions, Authorize (Identity's sign-in
    /// page in a popup, authorization code with PKCE as the page's client) and Send a call that needs the token.
    /// </summary>
    [Fact]
    public async Task On_the_reference_page_a_developer_signs_in_with_PKCE_and_makes_a_signed_in_call()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(Browsers.Chromium);
        var page = await browser.NewPageAsync();
        var errors = new List<string>(); // a script or document the page's CSP blocks shows here
        page.Console += (_, message) => { if (message.Type == "error") errors.Add(message.Text); };
        var gateway = $"http://localhost:{graph.Gateway.Port}/";
        var elsewhere = new List<string>(); // the page works with the gateway alone and tells no third party who reads it
        browser.Contexts[0].Request += (_, request) => { if (!request.Url.StartsWith(gateway, StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal)) elsewhere.Add(request.Url); };

        var opened = await page.GotoAsync(gateway + "docs");
        Assert.Contains("default-src 'self'", (await opened!.AllHeadersAsync())["content-security-policy"], StringComparison.Ordinal);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Signing in", Exact = true })).ToBeVisibleAsync(Patiently);

        // The people's flow is the one offered, with the page's own client.
        await Expect(page.GetByRole(AriaRole.Combobox, new() { Name = "Client ID" })).ToHaveTextAsync("mensi-docs");
        var popupOpens = page.WaitForPopupAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Authorize", Exact = true }).ClickAsync();
        var signIn = await popupOpens;
        var signedIn = new TaskCompletionSource();
        signIn.Close += (_, _) => signedIn.TrySetResult(); // the page takes the code from its popup and closes it
        Assert.Contains("/account/sign-in", signIn.Url, StringComparison.Ordinal);
        await signIn.GetByLabel("Email").FillAsync(IdentityHost.AdminEmail);
        await signIn.GetByLabel("Password").FillAsync(IdentityHost.SeedPassword);
        await signIn.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        Assert.True(await Task.WhenAny(signedIn.Task, Task.Delay(TimeSpan.FromSeconds(30))) == signedIn.Task,
            $"the page never took the authorization code from its popup, which stayed at {signIn.Url}");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Clear tokens" })).ToBeVisibleAsync(Patiently);

        await page.GetByRole(AriaRole.Link, new() { Name = "Me", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button).Filter(new() { HasText = "Test Request" }).First.ClickAsync();
        var answered = page.WaitForResponseAsync(r => r.Url.EndsWith("/api/v1/me", StringComparison.Ordinal));
        await page.GetByRole(AriaRole.Button, new() { Name = "Send get request to" }).ClickAsync();
        var me = await answered;
        Assert.Equal(200, me.Status);
        Assert.StartsWith("Bearer ", (await me.Request.AllHeadersAsync())["authorization"], StringComparison.Ordinal);
        Assert.Equal("network-admin", JsonNode.Parse(await me.TextAsync())!["roles"]![0]!.GetValue<string>());
        Assert.Empty(errors);
        Assert.Empty(elsewhere);
    }
}
