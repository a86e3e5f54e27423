using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Dashboard.Web.Accounts;
using Tollgate.Dashboard.Web.Components.Pages.Insights;
using Tollgate.Dashboard.Web.Components.Pages.Pnl;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Pages;

public sealed class PnlAndInsightsPageTests
{
    private static ClaimsPrincipal User(string role) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, role + "-user"), new Claim(ClaimTypes.Role, role)], "test"));

    private static async Task<RevenueUploadResult> UploadAsync(PnlViewModel model, string csv, string role = Roles.Pm)
    {
        var bytes = Encoding.UTF8.GetBytes(csv);
        using var stream = new MemoryStream(bytes);
        return await model.UploadAsync(stream, bytes.Length, User(role));
    }

    [Fact]
    public async Task A_bad_revenue_file_lists_every_bad_line_and_stores_nothing_and_a_good_one_gives_the_margin()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        var project = await PageKit.DefaultProjectIdAsync(app);
        var start = DateTime.UtcNow.Date.AddDays(-10);
        await PageKit.WriteAndRollUpAsync(app,
        [
            .. PageKit.Request(project, 1, start.AddHours(10), "search", "answer", "gpt-4o", 2.00m),
            .. PageKit.Request(project, 2, start.AddHours(11), "search", "answer", "gpt-4o-mini", 1.00m),
        ], start, start.AddDays(1));
        await using var scope = app.App.Services.CreateAsyncScope();
        var model = scope.ServiceProvider.GetRequiredService<PnlViewModel>();
        var day = start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var next = start.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var bad = await UploadAsync(model,
            "feature,customer,periodStart,periodEnd,amountUsd\n" +
            $"answer,acme,{day},{next},10\n" +
            $"answer,acme,{day},{next},ten\n" +
            $"answer,acme,yesterday,{next},5\n");

        bad.Succeeded.ShouldBeFalse();
        bad.Errors.Count.ShouldBe(2);
        // Line 2 is good but is not stored either: all or nothing.
        bad.Errors[0].ShouldBe("line 3: amountUsd 'ten' is not a number (use a dot for decimals, no currency sign)");
        bad.Errors[1].ShouldStartWith("line 4: periodStart 'yesterday' is not a date");
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM revenue")).ShouldBe(0);

        // One day of revenue, [day, day + 1), wholly inside the last 30 days.
        var good = await UploadAsync(model,
            "feature,customer,periodStart,periodEnd,amountUsd\n" +
            $"answer,acme,{day},{next},10\n");
        good.Errors.ShouldBeEmpty();
        good.Stored.ShouldBe(1);

        await model.LoadAsync("30", null, null);
        var row = model.Rows.Single(r => r.Feature == "answer");
        // Revenue 10.00, cost 2.00 + 1.00 = 3.00, margin 7.00 = 70% of revenue.
        row.RevenueUsd.ShouldBe(10.00m);
        row.CostUsd.ShouldBe(3.00m);
        row.MarginUsd.ShouldBe(7.00m);
        row.MarginPct.ShouldBe(0.7m);
        PnlViewModel.Percent(row.MarginPct).ShouldBe("70%");
        // Two requests for 3.00.
        row.CostPerRequestUsd.ShouldBe(1.50m);
    }

    [Fact]
    public async Task Only_PMs_and_admins_may_upload_revenue()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        await using var scope = app.App.Services.CreateAsyncScope();
        var model = scope.ServiceProvider.GetRequiredService<PnlViewModel>();

        PnlViewModel.MayUpload(User(Roles.Admin)).ShouldBeTrue();
        PnlViewModel.MayUpload(User(Roles.Pm)).ShouldBeTrue();
        PnlViewModel.MayUpload(User(Roles.Lead)).ShouldBeFalse();
        await Should.ThrowAsync<UnauthorizedAccessException>(() => UploadAsync(model, "feature,periodStart,periodEnd,amountUsd\n", Roles.Viewer));
    }

    [Fact]
    public async Task Without_spans_or_revenue_the_pnl_has_no_rows_and_a_bad_custom_period_says_what_to_fix()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        await using var scope = app.App.Services.CreateAsyncScope();
        var model = scope.ServiceProvider.GetRequiredService<PnlViewModel>();

        await model.LoadAsync(PnlViewModel.CustomPeriod, "2026-11-10", "2026-11-01");

        model.HasSpans.ShouldBeFalse();
        model.HasRevenue.ShouldBeFalse();
        model.Rows.ShouldBeEmpty();
        model.PeriodError.ShouldNotBeNull().ShouldContain("'to' must be after 'from'");
    }

    [Fact]
    public async Task Without_spans_the_benchmarks_page_says_how_to_connect_a_service()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        await using var scope = app.App.Services.CreateAsyncScope();

        var page = await PageKit.RenderAsync<Benchmarks>(scope.ServiceProvider, "/benchmarks");

        page.QuerySelector(".empty a")!.GetAttribute("href").ShouldBe("/connect");
        page.QuerySelector("[data-testid=maturity-level]").ShouldBeNull();
    }

    [Fact]
    public async Task The_benchmarks_page_shows_the_level_every_criterion_and_the_band_of_each_value()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        var project = await PageKit.DefaultProjectIdAsync(app);
        var start = DateTime.UtcNow.Date.AddDays(-3);
        // Two requests at 0.20 and 0.40: 0.30 per request, in the low band.
        await PageKit.WriteAndRollUpAsync(app,
        [
            .. PageKit.Request(project, 1, start.AddHours(10), "search", "answer", "gpt-4o", 0.20m),
            .. PageKit.Request(project, 2, start.AddHours(11), "search", "answer", "gpt-4o", 0.40m),
        ], start, start.AddDays(1));
        await using var scope = app.App.Services.CreateAsyncScope();

        var page = await PageKit.RenderAsync<Benchmarks>(scope.ServiceProvider, "/benchmarks");

        // Level 1 (calls observed) and 2 (every call priced: both carry a provided cost) are met; level 3 needs a budget.
        page.QuerySelector("[data-testid=maturity-level]")!.TextContent.ShouldBe("2");
        page.QuerySelector("[data-testid=maturity-name]")!.TextContent.ShouldBe("Pilot");
        page.QuerySelectorAll("[data-testid=criteria] tbody tr").Length.ShouldBe(10);
        var costRow = page.QuerySelector("tr[data-metric=inference_cost_per_request]")!;
        costRow.QuerySelector("td.num")!.TextContent.ShouldBe("$0.30");
        costRow.QuerySelector("[data-testid=band]")!.TextContent.ShouldBe("low");
        // Low starts where median ends ($0.05), not at the published low bound ($0.10): no value falls between bands.
        costRow.QuerySelector(".table-primary")!.TextContent.ShouldBe("above $0.05");
        costRow.QuerySelector("[data-testid=published]")!.TextContent.ShouldBe("published: low above $0.10, median $0.01 to $0.05, elite below $0.005");
        // No revenue: COGS / revenue has no value and no band.
        page.QuerySelector("tr[data-metric=ai_cogs_to_revenue] [data-testid=band]").ShouldBeNull();
    }

    [Theory]
    [InlineData("10", "50", "30", "", "", "", "", "Frontier", "Give all three tier shares, or none to keep today's mix.")]
    [InlineData("10", "50", "30", "30", "", "", "", "Frontier", "The three shares must add up to 100%.")]
    [InlineData("7", "", "", "", "", "", "", "Volume", "Choose 1, 10 or 100 times today's volume.")]
    [InlineData("1", "", "", "", "abc", "", "", "Cache", "'abc' is not a number (use a dot for decimals).")]
    [InlineData("1", "", "", "", "", "gpt-4o", "", "Price", "Give the multiplier for this model's price.")]
    [InlineData("1", "", "", "", "", "", "2", "Model", "Name the model whose price changes.")]
    public void A_bad_scenario_field_gets_its_own_message(
        string volume, string small, string mid, string frontier, string cache, string modelName, string price, string field, string message)
    {
        var errors = new Dictionary<string, string>();

        var scenario = ScenariosViewModel.Check(new(volume, small, mid, frontier, cache, modelName, price), errors);

        scenario.ShouldBeNull();
        errors[field].ShouldBe(message);
    }

    [Fact]
    public void A_good_scenario_form_becomes_fractions()
    {
        var errors = new Dictionary<string, string>();

        var scenario = ScenariosViewModel.Check(new("10", "60", "30", "10", "20", "gpt-4o", "1.5"), errors);

        errors.ShouldBeEmpty();
        scenario.ShouldNotBeNull();
        scenario.VolumeMultiplier.ShouldBe(10m);
        (scenario.SmallShare, scenario.MidShare, scenario.FrontierShare).ShouldBe((0.6m, 0.3m, 0.1m));
        scenario.CacheHitRateDelta.ShouldBe(0.2m);
        scenario.ModelPriceChanges.ShouldNotBeNull().Single().ShouldBe(new Analytics.Scenarios.ModelPriceChange("gpt-4o", 1.5m));
    }
}
