using Microsoft.Playwright;
using Tollgate.Dashboard.Web;
using Tollgate.Testing;

namespace Tollgate.EndToEnd;

/// <summary>One running dashboard and one Chromium for every browser test (starting them is the slow part).</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public RunningApp App { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public static string ArtifactsDirectory =>
        Environment.GetEnvironmentVariable("TOLLGATE_TEST_ARTIFACTS") is { Length: > 0 } dir ? dir : Path.Combine(Path.GetTempPath(), "tollgate-artifacts");

    public async Task InitializeAsync()
    {
        var chromium = Environment.GetEnvironmentVariable("TOLLGATE_CHROMIUM") is { Length: > 0 } path
            ? path
            : throw new InvalidOperationException("TOLLGATE_CHROMIUM is not set: run the tests with ./test.sh, which installs Chromium, or set it to a Chromium executable.");
        App = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = chromium,
            Headless = true,
            // This machine has no outside network: keep Chromium from trying to reach it.
            Args = ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-gpu"],
        });
    }

    public Task<IPage> NewSignedInPageAsync() => NewSignedInPageAsync(App, RunningApp.AdminUser, RunningApp.AdminPassword);

    public Task<IPage> NewSignedInPageAsync(string user, string password, string? timeZone = null) => NewSignedInPageAsync(App, user, password, timeZone);

    /// <summary>A signed-in page on another app, for a workflow that needs a database of its own (seeded data would change what other tests see).</summary>
    public Task<IPage> NewSignedInPageAsync(RunningApp app) => NewSignedInPageAsync(app, RunningApp.AdminUser, RunningApp.AdminPassword);

    public async Task<IPage> NewSignedInPageAsync(RunningApp app, string user, string password, string? timeZone = null)
    {
        var page = await Browser.NewPageAsync(new()
        {
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = new() { Width = 1280, Height = 900 },
            TimezoneId = timeZone,
        });
        await page.GotoAsync("/");
        await page.GetByLabel("User name").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(app.BaseAddress.ToString());
        // The home page is interactive: a navigation link clicked before its circuit is up can be
        // lost (the address changes, the page does not), so every signed-in page starts from there.
        await WaitForCircuitAsync(page);
        return page;
    }

    /// <summary>
    /// Waits until an interactive page has been rendered over its circuit (it then marks its
    /// content with data-interactive): before that, clicks are lost or load the page in full.
    /// </summary>
    public static Task WaitForCircuitAsync(IPage page) =>
        page.Locator("main [data-interactive='true']").First.WaitForAsync(new() { Timeout = 30_000 });

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ArtifactsDirectory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ArtifactsDirectory, name + ".png"), FullPage = true });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
