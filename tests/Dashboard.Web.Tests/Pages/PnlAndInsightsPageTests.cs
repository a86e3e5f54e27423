using Microsoft.Extensions.DependencyInjection;
using Tollgate.Dashboard.Web.Components.Pages.Insights;
using Tollgate.Dashboard.Web.Components.Pages.Pnl;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Pages;

public sealed class PnlAndInsightsPageTests
{
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
