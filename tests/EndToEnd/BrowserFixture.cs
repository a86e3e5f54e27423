using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Playwright;
using Tollgate.Dashboard.Web;
using Tollgate.Testing;
using Xunit.Sdk;

namespace Tollgate.EndToEnd;

/// <summary>One running dashboard and one Chromium for every browser test (starting them is the slow part).</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    // What the pages opened by the current test logged as errors; the tests of the collection run one at a time.
    private static readonly ConcurrentQueue<string> ConsoleErrors = new();

    // Which test a page belongs to: a page an earlier test left open (its app stopped under it) logs nothing against this one.
    private static int _test;
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
        // A circuit's exceptions reach the browser console with their message, so a failed test says what broke.
        App = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a), settings: new Dictionary<string, string> { ["DetailedErrors"] = "true" });
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
        var page = await NewPageAsync(app, timeZone);
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

    /// <summary>A page of the browser, not signed in, whose console errors fail the test (see <see cref="NoConsoleErrorsAttribute"/>).</summary>
    public async Task<IPage> NewPageAsync(RunningApp app, string? timeZone = null)
    {
        var page = await Browser.NewPageAsync(new()
        {
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = new() { Width = 1280, Height = 900 },
            TimezoneId = timeZone,
        });
        var test = Volatile.Read(ref _test);
        void Log(string error)
        {
            if (test == Volatile.Read(ref _test))
            {
                ConsoleErrors.Enqueue($"{page.Url}: {error}");
            }
        }

        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Log($"{message.Text} (at {message.Location})");
            }
        };
        page.PageError += (_, error) => Log(error);
        // Closed before the app stops, so that its circuit ends as a user's would (see RunningApp.BeforeStop).
        app.BeforeStop(async () =>
        {
            if (!page.IsClosed)
            {
                await page.CloseAsync();
            }
        });
        return page;
    }

    /// <summary>Forgets what the pages of earlier tests logged, and stops listening to them.</summary>
    public static void BeginTest()
    {
        Interlocked.Increment(ref _test);
        TakeConsoleErrors();
    }

    /// <summary>The console errors logged by the current test's pages since the last call.</summary>
    public static List<string> TakeConsoleErrors()
    {
        var errors = new List<string>();
        while (ConsoleErrors.TryDequeue(out var error))
        {
            errors.Add(error);
        }

        return errors;
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

/// <summary>No page may log an error to the console or throw: a browser test whose pages did fails.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class NoConsoleErrorsAttribute : BeforeAfterTestAttribute
{
    public override void Before(MethodInfo methodUnderTest) => BrowserFixture.BeginTest();

    public override void After(MethodInfo methodUnderTest) => BrowserFixture.TakeConsoleErrors().ShouldBeEmpty("what the pages logged as errors in the browser console");
}

[CollectionDefinition(Name)]
[NoConsoleErrors]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
