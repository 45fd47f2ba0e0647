using Microsoft.Playwright;

namespace MenSI.EndToEnd.Tests;

/// <summary>The browser the end-to-end tests drive as people would.</summary>
internal static class Browsers
{
    /// <summary>Debian's chromium (scripts/install-servers.sh), headless, with no background traffic this machine's closed network would refuse.</summary>
    public static readonly BrowserTypeLaunchOptions Chromium = new()
    {
        ExecutablePath = "/usr/bin/chromium", Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    };
}
