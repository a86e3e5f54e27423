using Bunit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Tollgate.Analytics.Changes;
using Tollgate.Dashboard.Web.Components.Display;
using Tollgate.Dashboard.Web.Components.Pages;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Components.Tests;

/// <summary>
/// A page rendered as a circuit renders it, over a real app's database: its view model comes from
/// the app, and who may do what is decided by the app's own authorization policies.
/// Pages render again when their database work ends, at any moment: an element found right after
/// waiting for such a render is found and acted on inside <c>InvokeAsync</c>, so that no render
/// comes between (an element found before a render carries the event handlers it replaced).
/// </summary>
public abstract class PageTestContext : BunitContext, IAsyncLifetime
{
    protected const string Hostile = "<script>alert(1)</script>";
    private readonly List<IAsyncDisposable> _owned = [];

    /// <summary>The snackbars the page showed (the layout's provider, rendered beside the page).</summary>
    protected IRenderedComponent<MudSnackbarProvider> Snackbars { get; private set; } = null!;

    /// <summary>The dialogs the page opened (the layout's provider, rendered beside the page).</summary>
    protected IRenderedComponent<MudDialogProvider> Dialogs { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton(new ViewerClock((string?)null));
        return Task.CompletedTask;
    }

    protected async Task<RunningApp> StartAsync(IDictionary<string, string>? settings = null, TimeProvider? clock = null)
    {
        var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a, clock), settings: settings);
        _owned.Add(app);
        return app;
    }

    /// <summary>Gives pages <typeparamref name="TService"/> from a scope of the app's, as a circuit's scope would; call before rendering.</summary>
    protected void UseAppService<TService>(RunningApp app)
        where TService : class
    {
        var scope = app.App.Services.CreateAsyncScope();
        _owned.Insert(0, scope);
        Services.AddScoped(_ => scope.ServiceProvider.GetRequiredService<TService>());
    }

    /// <summary>Renders <typeparamref name="TPage"/> at <paramref name="uri"/> for a user holding <paramref name="role"/>, with its view model from the app.</summary>
    protected async Task<IRenderedComponent<TPage>> RenderPageAsync<TPage, TModel>(RunningApp app, string uri, string role, string readySelector,
        Action<ComponentParameterCollectionBuilder<TPage>>? parameters = null, DataChangeFeed? feed = null)
        where TPage : IComponent
        where TModel : class
    {
        var scope = app.App.Services.CreateAsyncScope();
        _owned.Insert(0, scope);
        Services.AddScoped(_ => scope.ServiceProvider.GetRequiredService<TModel>());
        // The feed of data changes the page follows: by default the app's, so that a notice of
        // changed data reaches the page as it reaches a circuit; a feed of the test's own keeps the
        // app's background work from reloading the page while a test orders its loads.
        if (feed is null)
        {
            Services.AddSingleton(app.App.Services.GetRequiredService<DataChangeFeed>());
            Services.AddSingleton(app.App.Services.GetRequiredService<WeeklyReviewReads>());
        }
        else
        {
            Services.AddSingleton(feed);
            Services.AddSingleton(new WeeklyReviewReads(app.App.Services.GetRequiredService<IServiceScopeFactory>(), TimeProvider.System, feed));
        }

        var auth = AddAuthorization();
        auth.SetAuthorized("ann");
        auth.SetRoles(role);
        // The app's policies, not the test double's: the page asks the same question as the API.
        Services.AddSingleton(app.App.Services.GetRequiredService<IAuthorizationPolicyProvider>());
        Services.AddSingleton(app.App.Services.GetRequiredService<IAuthorizationService>());
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        Services.GetRequiredService<NavigationManager>().NavigateTo(uri);
        Render<MudPopoverProvider>();
        Snackbars = Render<MudSnackbarProvider>();
        Dialogs = Render<MudDialogProvider>();
        var page = Render(parameters ?? (_ => { }));
        await page.WaitForElementAsync(readySelector, TimeSpan.FromSeconds(30));
        return page;
    }

    /// <summary>Picks <paramref name="value"/> in the open dialog's select labelled <paramref name="label"/>.</summary>
    protected async Task ChooseAsync(string label, string value)
    {
        var select = Dialogs.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == label);
        await select.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(value));
    }

    /// <summary>The validation message MudBlazor shows under the open dialog's field, "" when there is none.</summary>
    protected string ProblemUnder(string inputId) =>
        Dialogs.Find($"#{inputId}").Closest(".mud-input-control")!.QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim() ?? "";

    /// <summary>The open dialog's button reading <paramref name="text"/>.</summary>
    protected AngleSharp.Dom.IElement DialogButton(string text) => Dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == text);

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }
    }
}
