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

    public Task<IPage> NewSignedInPageAsync() => NewSignedInPageAsync(RunningApp.AdminUser, RunningApp.AdminPassword);

    public async Task<IPage> NewSignedInPageAsync(string userName, string password)
    {
        var page = await Browser.NewPageAsync(new() { BaseURL = App.BaseAddress.ToString() });
        await page.GotoAsync("/");
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(App.BaseAddress.ToString());
        return page;
    }

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
