using System.Text.Json;
using Tollgate.Dashboard.Web;
using Tollgate.OrchestratedApp.Revenue;
using Tollgate.Testing;

namespace Tollgate.Samples.Tests;

public sealed class RevenueReporterTests
{
    [Fact]
    public async Task The_demo_reports_each_features_daily_revenue_through_the_revenue_API()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        var lastDay = new DateTime(2026, 11, 20, 0, 0, 0, DateTimeKind.Utc);

        var sent = await new RevenueReporter(app.BaseAddress, RunningApp.AdminKey).ReportAsync(lastDay, days: 3, seed: 5, CancellationToken.None);

        sent.ShouldBe(12);
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM revenue WHERE period_start >= '2026-11-17' AND period_end <= '2026-11-20'")).ShouldBe(12);
        var digest = await app.Database.ScalarAsync<decimal>("SELECT sum(amount_usd) FROM revenue WHERE feature = 'digest'");
        var answers = await app.Database.ScalarAsync<decimal>("SELECT sum(amount_usd) FROM revenue WHERE feature = 'answers'");
        digest.ShouldBeLessThan(answers / 20);
    }

    [Fact]
    public void The_same_seed_gives_the_same_revenue_and_another_seed_different_revenue()
    {
        var day = new DateTime(2026, 11, 20, 0, 0, 0, DateTimeKind.Utc);

        var first = JsonSerializer.Serialize(RevenueReporter.Lines(day, 7, seed: 1));
        var again = JsonSerializer.Serialize(RevenueReporter.Lines(day, 7, seed: 1));
        var other = JsonSerializer.Serialize(RevenueReporter.Lines(day, 7, seed: 2));

        again.ShouldBe(first);
        other.ShouldNotBe(first);
    }
}
