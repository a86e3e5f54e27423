using System.Globalization;
using System.Security.Claims;
using System.Text;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Tollgate.Analytics.Pricing;
using Tollgate.Analytics.Spans;
using Tollgate.Analytics.Storage.Entities;
using Tollgate.Dashboard.Web.Accounts;
using Tollgate.Dashboard.Web.Components.Pages.Admin;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Components.Tests;

/// <summary>The prices page over a circuit: prices in force, unpriced models, patterns, re-pricing runs and the admin's changes.</summary>
public sealed class PricesPageTests : PageTestContext
{
    [Fact]
    public async Task Names_from_telemetry_and_from_admins_render_as_text_in_the_tables_the_dialog_and_the_confirmation()
    {
        var app = await StartAsync();
        await AddPriceAsync(app, "acme", Hostile, 1m);
        await WriteUnpricedSpanAsync(app, "acme", "<img src=x onerror=alert(1)>");
        var runId = await app.App.Services.GetRequiredService<RepricingService>().CreateRunAsync(DateTime.UtcNow.AddDays(-1), DateTime.UtcNow, Hostile);

        var page = await RenderPricesAsync(app);

        page.FindAll("script, img").ShouldBeEmpty();
        GridRow(page, Hostile).QuerySelector("[data-field=provider]")!.TextContent.ShouldBe("acme");
        page.Find("[data-testid=unpriced-table] [data-field=model]").TextContent.ShouldBe("<img src=x onerror=alert(1)>");
        page.Find($"tr[data-run='{runId}'] [data-field=by]").TextContent.ShouldBe(Hostile);

        Button(page, "Add a price for <img src=x onerror=alert(1)>").Click();
        Dialogs.WaitForAssertion(() => Dialogs.Find(".mud-dialog-title").TextContent.ShouldBe("Add a price for <img src=x onerror=alert(1)>"));
        Dialogs.Find("#p-model").GetAttribute("value").ShouldBe("<img src=x onerror=alert(1)>");
        Dialogs.FindAll("script, img").ShouldBeEmpty();
        DialogButton("Cancel").Click();
        Dialogs.WaitForAssertion(() => Dialogs.FindAll(".mud-dialog").ShouldBeEmpty());

        Button(page, $"New price for acme/{Hostile}").Click();
        Dialogs.WaitForAssertion(() => Dialogs.Find(".mud-dialog-title").TextContent.ShouldBe($"New price for acme/{Hostile}"));
        Dialogs.FindAll("script").ShouldBeEmpty();
    }

    [Fact]
    public async Task Prices_in_force_are_listed_with_their_figures_searched_and_sorted_by_the_column_chosen_either_way()
    {
        var app = await StartAsync();
        await AddPriceAsync(app, "acme", "acme-large", 10m, tier: PriceTiers.Frontier);
        await AddPriceAsync(app, "acme", "acme-small", 0.5m, tier: PriceTiers.Small);
        await AddPriceAsync(app, "acme", "acme-mid", 2m);

        var page = await RenderPricesAsync(app);
        page.Find("input[data-testid=price-search]").Input("ACME-");

        page.WaitForAssertion(() => Models(page).ShouldBe(["acme-large", "acme-mid", "acme-small"]));
        Cells(page, "acme-mid")[..6].ShouldBe(["acme", "acme-mid", "mid", "$2.00", "$8.00", "–"]);
        GridRow(page, "acme-mid").QuerySelector("[data-field=source]")!.TextContent.ShouldBe("custom");
        GridRow(page, "acme-mid").QuerySelector("[data-field=from]")!.TextContent.ShouldBe(DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        SortBy(page, "Input");
        page.WaitForAssertion(() => Models(page).ShouldBe(["acme-small", "acme-mid", "acme-large"]));
        SortBy(page, "Input");
        page.WaitForAssertion(() => Models(page).ShouldBe(["acme-large", "acme-mid", "acme-small"]));
        await page.InvokeAsync(() => page.Find("input[data-testid=price-search]").Input("frontier"));
        page.WaitForAssertion(() => Models(page).ShouldContain("acme-large"));
        Models(page).ShouldNotContain("acme-small");
        page.Find("input[data-testid=price-search]").Input("nothing like it");
        page.WaitForAssertion(() => page.Find("[data-testid=no-match]").TextContent.ShouldBe("No price matches the search or filters."));
    }

    [Fact]
    public async Task A_price_form_with_mistakes_shows_each_problem_under_its_field_and_a_corrected_one_adds_the_price_and_re_prices_the_unpriced_model()
    {
        var app = await StartAsync();
        await WriteUnpricedSpanAsync(app, "acme", "acme-house");
        var page = await RenderPricesAsync(app);
        page.Find("[data-testid=unpriced-table] [data-field=model]").TextContent.ShouldBe("acme-house");

        page.Find("button[data-testid=add-price]").Click();
        Dialogs.WaitForAssertion(() => Dialogs.Find(".mud-dialog-title").TextContent.ShouldBe("Add a custom price"));
        Dialogs.Find("#p-from").GetAttribute("value").ShouldBe(DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Dialogs.Find("#p-input").Change("-1");
        Dialogs.Find("button[data-testid=save-price]").Click();

        Dialogs.WaitForAssertion(() => ProblemUnder("p-provider").ShouldBe("Give the provider, for example 'openai'."));
        ProblemUnder("p-model").ShouldBe("Give the model name, for example 'gpt-4o'.");
        ProblemUnder("p-input").ShouldBe("The input price is 0 or more (USD per million tokens).");
        ProblemUnder("p-output").ShouldBe("Give the output price in USD per million tokens.");
        ProblemUnder("p-tier").ShouldBe("");
        ProblemUnder("p-cache-read").ShouldBe("");
        foreach (var input in Dialogs.FindAll("input:not([type=hidden]):not([readonly])"))
        {
            Dialogs.FindAll($"label[for='{input.Id}']").ShouldNotBeEmpty($"{input.Id} has no label");
        }

        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM prices WHERE origin = 'custom'")).ShouldBe(0);

        Dialogs.Find("#p-provider").Change("Acme");
        Dialogs.Find("#p-model").Change("acme-house");
        Dialogs.Find("#p-from").Change(DateTime.UtcNow.AddDays(-2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Dialogs.Find("#p-input").Change("2");
        Dialogs.Find("#p-output").Change("8");
        Dialogs.Find("button[data-testid=save-price]").Click();

        Snackbars.WaitForAssertion(() => Snackbars.Find(".mud-snackbar").TextContent.ShouldContain(
            $"Added the price of acme/acme-house from {DateTime.UtcNow.AddDays(-2):yyyy-MM-dd}; "), TimeSpan.FromSeconds(30));
        Dialogs.WaitForAssertion(() => Dialogs.FindAll(".price-dialog").ShouldBeEmpty());
        await page.InvokeAsync(() => page.Find("input[data-testid=price-search]").Input("acme-house"));
        page.WaitForAssertion(() => Cells(page, "acme-house")[..5].ShouldBe(["acme", "acme-house", "mid", "$2.00", "$8.00"]));
        // Its re-pricing run is followed until it ends; then the model is no longer unpriced.
        page.WaitForAssertion(() => page.Find("[data-testid=run-table] tbody tr [data-field=status]").TextContent.Trim().ShouldBe("done"), TimeSpan.FromSeconds(30));
        page.WaitForAssertion(() => page.FindAll("[data-testid=no-unpriced]").ShouldNotBeEmpty(), TimeSpan.FromSeconds(10));
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'prices.add' AND actor = 'ann'")).ShouldBe(1);
    }

    [Fact]
    public async Task A_spans_add_a_price_link_opens_the_form_filled_in_with_its_model()
    {
        var app = await StartAsync();

        await RenderPricesAsync(app, uri: "/admin/prices?model=house%20model&provider=acme#add-price");

        Dialogs.WaitForAssertion(() => Dialogs.Find(".mud-dialog-title").TextContent.ShouldBe("Add a price for house model"));
        Dialogs.Find("#p-model").GetAttribute("value").ShouldBe("house model");
        Dialogs.Find("#p-provider").GetAttribute("value").ShouldBe("acme");
    }

    [Fact]
    public async Task A_new_price_for_a_listed_model_starts_from_its_figures()
    {
        var app = await StartAsync();
        await AddPriceAsync(app, "acme", "acme-mid", 2m);
        var page = await RenderPricesAsync(app);

        Button(page, "New price for acme/acme-mid").Click();

        Dialogs.WaitForAssertion(() => Dialogs.Find("#p-input").GetAttribute("value").ShouldBe("2"));
        Dialogs.Find("#p-output").GetAttribute("value").ShouldBe("8");
        Dialogs.Find("#p-model").GetAttribute("value").ShouldBe("acme-mid");
        Dialogs.Find("#p-from").GetAttribute("value").ShouldBe(DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Dialogs.Find("#p-input").Change("3");
        Dialogs.Find("button[data-testid=save-price]").Click();

        Snackbars.WaitForAssertion(() => Snackbars.Find(".mud-snackbar").TextContent.ShouldContain("Added the price of acme/acme-mid"), TimeSpan.FromSeconds(30));
        page.WaitForAssertion(() => GridRow(page, "acme-mid").QuerySelector("[data-field=input]")!.TextContent.ShouldBe("$3.00"));
        // The earlier price stays, for the spans before the new one's date.
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM prices WHERE model = 'acme-mid'")).ShouldBe(2);
    }

    [Fact]
    public async Task A_runs_progress_updates_while_the_page_is_open_and_cancelling_it_asks_first()
    {
        var app = await StartAsync();
        // A run recorded without its job: it stays queued until someone acts on it.
        var runId = await app.App.Services.GetRequiredService<RepricingService>().CreateRunAsync(DateTime.UtcNow.AddDays(-3), DateTime.UtcNow, "seed");
        var page = await RenderPricesAsync(app);
        var row = $"[data-testid=run-table] tr[data-run='{runId}']";
        page.Find($"{row} [data-field=status]").TextContent.Trim().ShouldBe("queued");
        page.Find($"{row} [data-field=progress]").TextContent.ShouldBe("0 of 0 spans");

        await app.Database.ExecuteAsync($"UPDATE repricing_runs SET status = 'running', spans_total = 2000, spans_done = 500 WHERE id = {runId}");

        page.WaitForAssertion(() => page.Find($"{row} [data-field=progress]").TextContent.ShouldBe("500 of 2,000 spans"), TimeSpan.FromSeconds(10));
        page.Find($"{row} [data-field=status]").TextContent.Trim().ShouldBe("running");
        page.Find($"{row} .mud-progress-linear").GetAttribute("aria-valuenow").ShouldBe("25");

        Button(page, $"Cancel run {runId}").Click();
        Dialogs.WaitForAssertion(() => Dialogs.Find(".mud-dialog-title").TextContent.ShouldBe($"Cancel re-pricing run {runId}?"));
        Dialogs.Find(".mud-dialog-content").TextContent.ShouldContain("Spans re-priced so far keep their new cost");
        DialogButton("Keep it running").Click();
        Dialogs.WaitForAssertion(() => Dialogs.FindAll(".mud-dialog").ShouldBeEmpty());
        (await app.Database.ScalarAsync<string>($"SELECT status FROM repricing_runs WHERE id = {runId}")).ShouldBe("running");

        Button(page, $"Cancel run {runId}").Click();
        Dialogs.WaitForAssertion(() => DialogButton($"Cancel run {runId}").Click());

        Snackbars.WaitForAssertion(() => Snackbars.Find(".mud-snackbar").TextContent.ShouldContain(
            $"Cancelled re-pricing run {runId}: 500 of 2,000 spans were re-priced before it stopped, and keep their new cost."));
        page.WaitForAssertion(() => page.Find($"{row} [data-field=status]").TextContent.Trim().ShouldBe("cancelled"));
        page.FindAll($"{row} button").ShouldBeEmpty();
        (await app.Database.ScalarAsync<string>($"SELECT actor FROM audit_log WHERE action = 'prices.reprice.cancel' AND subject = 'repricing_runs/{runId}'")).ShouldBe("ann");
    }

    [Fact]
    public async Task A_pattern_is_deleted_only_after_confirming()
    {
        var app = await StartAsync();
        await app.App.Services.GetRequiredService<PriceStore>().AddPatternAsync(new ModelPattern("house-deploy-*", null, "gpt-4o-mini", "openai"), "seed");
        var page = await RenderPricesAsync(app);
        page.Find("tr[data-pattern='house-deploy-*'] [data-field=target]").TextContent.ShouldBe("openai/gpt-4o-mini");

        Button(page, "Delete pattern house-deploy-*").Click();
        Dialogs.WaitForAssertion(() => Dialogs.Find(".mud-dialog-title").TextContent.ShouldBe("Delete pattern house-deploy-*?"));
        await Dialogs.InvokeAsync(() => DialogButton("Cancel").Click());
        Dialogs.WaitForAssertion(() => Dialogs.FindAll(".mud-dialog").ShouldBeEmpty());
        page.FindAll("tr[data-pattern='house-deploy-*']").Count.ShouldBe(1);

        Button(page, "Delete pattern house-deploy-*").Click();
        Dialogs.WaitForAssertion(() => DialogButton("Delete house-deploy-*").Click());

        Snackbars.WaitForAssertion(() => Snackbars.Find(".mud-snackbar").TextContent.ShouldContain("Deleted the pattern house-deploy-*"));
        page.WaitForAssertion(() => page.Find("[data-testid=no-patterns]").TextContent.ShouldBe("No pattern yet."));
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'model_patterns.delete' AND actor = 'ann'")).ShouldBe(1);
    }

    [Fact]
    public async Task A_litellm_price_file_is_imported_from_the_dialog_and_a_file_that_is_not_one_is_refused_there()
    {
        var app = await StartAsync();
        var page = await RenderPricesAsync(app);

        page.Find("button[data-testid=import-price-file]").Click();
        Dialogs.WaitForElement(".price-import-dialog");
        Dialogs.Find("button[data-testid=import-prices]").HasAttribute("disabled").ShouldBeTrue();
        Dialogs.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("[1, 2]", "prices.json"));
        Dialogs.WaitForAssertion(() => Dialogs.Find("button[data-testid=import-prices]").HasAttribute("disabled").ShouldBeFalse());
        await Dialogs.InvokeAsync(() => Dialogs.Find("button[data-testid=import-prices]").Click());
        Dialogs.WaitForAssertion(() => Dialogs.Find("[data-testid=import-problem]").TextContent.ShouldStartWith("This is not a LiteLLM price file"));

        const string File = """
            { "acme-imported": { "litellm_provider": "acme", "mode": "chat", "input_cost_per_token": 0.000001, "output_cost_per_token": 0.000004 } }
            """;
        Dialogs.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(Encoding.UTF8.GetBytes(File), "model_prices.json"));
        Dialogs.Find("#import-from").Change(DateTime.UtcNow.AddDays(-5).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Dialogs.Find("button[data-testid=import-prices]").Click();

        Snackbars.WaitForAssertion(() => Snackbars.Find(".mud-snackbar").TextContent.ShouldContain("Imported the price file: 1 new, 0 changed, 0 unchanged"));
        await page.InvokeAsync(() => page.Find("input[data-testid=price-search]").Input("acme-imported"));
        page.WaitForAssertion(() => Cells(page, "acme-imported")[3..5].ShouldBe(["$1.00", "$4.00"]));
        GridRow(page, "acme-imported").QuerySelector("[data-field=from]")!.TextContent.ShouldBe(DateTime.UtcNow.AddDays(-5).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'prices.import' AND actor = 'ann'")).ShouldBe(1);
    }

    [Theory]
    [InlineData(Roles.Admin, true)]
    [InlineData(Roles.Lead, false)]
    [InlineData(Roles.Pm, false)]
    [InlineData(Roles.Viewer, false)]
    public async Task Only_those_the_prices_API_lets_change_prices_are_offered_the_buttons(string role, bool offered)
    {
        var app = await StartAsync();
        await AddPriceAsync(app, "acme", "acme-mid", 2m);
        await WriteUnpricedSpanAsync(app, "acme", "acme-house");
        await app.App.Services.GetRequiredService<PriceStore>().AddPatternAsync(new ModelPattern("house-deploy-*", null, "gpt-4o-mini", "openai"), "seed");
        await app.App.Services.GetRequiredService<RepricingService>().CreateRunAsync(DateTime.UtcNow.AddDays(-1), DateTime.UtcNow, "seed");

        var page = await RenderPricesAsync(app, role);

        page.FindAll("[data-testid=price-grid] tbody tr").ShouldNotBeEmpty();
        page.FindAll("[data-testid=run-table] tbody tr").Count.ShouldBe(1);
        page.FindAll("button[data-testid=add-price], button[data-testid=import-price-file]").Count.ShouldBe(offered ? 2 : 0);
        page.FindAll("[data-testid=unpriced-table] button, [data-testid=run-table] button, [data-testid=pattern-table] button").Count.ShouldBe(offered ? 3 : 0);
        page.FindAll("[data-testid=price-grid] thead th").Any(h => h.TextContent.Trim() == "Actions").ShouldBe(offered);
    }

    [Fact]
    public async Task The_view_model_refuses_changes_from_those_the_prices_API_refuses()
    {
        var app = await StartAsync();
        var runId = await app.App.Services.GetRequiredService<RepricingService>().CreateRunAsync(DateTime.UtcNow.AddDays(-1), DateTime.UtcNow, "seed");
        var pattern = await app.App.Services.GetRequiredService<PriceStore>().AddPatternAsync(new ModelPattern("house-deploy-*", null, "gpt-4o-mini", "openai"), "seed");
        await using var scope = app.App.Services.CreateAsyncScope();
        var model = scope.ServiceProvider.GetRequiredService<PricesViewModel>();
        var lead = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "lee"), new Claim(ClaimTypes.Role, Roles.Lead)], "test"));
        var form = new PriceForm { Provider = "acme", Model = "acme-x", InputPerMTok = 1m, OutputPerMTok = 2m, EffectiveFrom = DateTime.UtcNow.Date };

        (await model.AddAsync(form, lead)).Problems.ShouldBe(new Dictionary<string, string> { [""] = "Only admins may add prices." });
        using var file = new MemoryStream(Encoding.UTF8.GetBytes("""{ "acme-x": { "litellm_provider": "acme", "mode": "chat", "input_cost_per_token": 0.000001, "output_cost_per_token": 0.000001 } }"""));
        (await model.ImportAsync(file, null, lead)).Problems.ShouldBe(new Dictionary<string, string> { [""] = "Only admins may import prices." });
        (await model.CancelRunAsync(runId, lead)).Problems.ShouldBe(new Dictionary<string, string> { [""] = "Only admins may cancel re-pricing runs." });
        (await model.DeletePatternAsync(pattern.Id, lead)).Problems.ShouldBe(new Dictionary<string, string> { [""] = "Only admins may delete model patterns." });

        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM prices WHERE model = 'acme-x'")).ShouldBe(0);
        (await app.Database.ScalarAsync<string>($"SELECT status FROM repricing_runs WHERE id = {runId}")).ShouldBe("queued");
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM model_patterns")).ShouldBe(1);
    }

    private static Task<Price> AddPriceAsync(RunningApp app, string provider, string model, decimal input, string tier = PriceTiers.Mid) =>
        app.App.Services.GetRequiredService<PriceStore>().AddAsync(new Price
        {
            Provider = provider,
            Model = model,
            InputPerMTok = input,
            OutputPerMTok = input * 4,
            Tier = tier,
            EffectiveFrom = DateTime.UtcNow.Date.AddDays(-1),
            Origin = PriceOrigins.Custom,
        }, "seed");

    private static async Task WriteUnpricedSpanAsync(RunningApp app, string provider, string model)
    {
        var project = await PageData.DefaultProjectIdAsync(app);
        await app.App.Services.GetRequiredService<SpanWriter>().WriteAsync(
            [TestSpans.Root(project, 7001, 1, "lab", DateTime.UtcNow.AddMinutes(-5)), TestSpans.Chat(project, 7001, 2, 1, "lab", DateTime.UtcNow.AddMinutes(-5), provider, model, null)]);
    }

    private Task<IRenderedComponent<Prices>> RenderPricesAsync(RunningApp app, string role = Roles.Admin, string uri = "/admin/prices") =>
        RenderPageAsync<Prices, PricesViewModel>(app, uri, role, "[data-testid=prices-page]");

    private static IElement Button(IRenderedComponent<Prices> page, string name) => page.Find($"button[aria-label='{name}']");

    private static void SortBy(IRenderedComponent<Prices> page, string column) =>
        page.FindAll("[data-testid=price-grid] thead th").Single(h => h.TextContent.Trim() == column).QuerySelector(".sortable-column-header")!.Click();

    private static List<string> Models(IRenderedComponent<Prices> page) =>
        [.. page.FindAll("[data-testid=price-grid] tbody tr [data-field=model]").Select(c => c.TextContent)];

    private static IElement GridRow(IRenderedComponent<Prices> page, string model) =>
        page.FindAll("[data-testid=price-grid] tbody tr").Single(r => r.QuerySelector("[data-field=model]")?.TextContent == model);

    private static List<string> Cells(IRenderedComponent<Prices> page, string model) =>
        [.. GridRow(page, model).QuerySelectorAll("td").Select(c => c.TextContent.Trim()).Where(t => t.Length > 0)];
}
