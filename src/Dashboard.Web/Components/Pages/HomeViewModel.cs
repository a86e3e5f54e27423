using Microsoft.EntityFrameworkCore;
using Tollgate.Analytics.Configuration;
using Tollgate.Analytics.Storage;

namespace Tollgate.Dashboard.Web.Components.Pages;

/// <summary>What the home page shows; built without rendering so tests can check it.</summary>
public sealed class HomeViewModel(TollgateDbContext db, TollgateOptions options, TimeProvider time)
{
    public bool HasSpans { get; private set; }
    public DateTime WeekStartUtc { get; private set; }
    public long SpansThisWeek { get; private set; }
    public decimal CostThisWeekUsd { get; private set; }

    /// <summary>Billing cost per day of this week, Monday first (seven entries once loaded).</summary>
    public IReadOnlyList<decimal> DailyCostUsd { get; private set; } = [];

    public string DailyCostChart => Display.ChartOptions.DollarBars(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], DailyCostUsd, "Cost");
    public int OtlpHttpPort => options.Ingest.HttpPort;
    public int OtlpGrpcPort => options.Ingest.GrpcPort;

    /// <summary>The ISO week (Monday 00:00 UTC) that contains the instant.</summary>
    public static DateTime WeekStart(DateTime utc)
    {
        var daysSinceMonday = ((int)utc.DayOfWeek + 6) % 7;
        return DateTime.SpecifyKind(utc.Date.AddDays(-daysSinceMonday), DateTimeKind.Utc);
    }

    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        HasSpans = await db.Spans.AnyAsync(cancellationToken);
        if (!HasSpans)
        {
            return;
        }

        var now = time.GetUtcNow().UtcDateTime;
        WeekStartUtc = WeekStart(now);
        // Bounded to one week of partitions; the rollups will answer this once they exist.
        var week = db.Spans.AsNoTracking().Where(s => s.StartTime >= WeekStartUtc && s.StartTime < WeekStartUtc.AddDays(7));
        SpansThisWeek = await week.LongCountAsync(cancellationToken);
        var byDay = await week.Where(s => s.Billing)
            .GroupBy(s => s.StartTime.Date)
            .Select(g => new { Day = g.Key, Cost = g.Sum(s => s.ProvidedCostUsd ?? s.ComputedCostUsd ?? 0) })
            .ToListAsync(cancellationToken);
        DailyCostUsd = Enumerable.Range(0, 7)
            .Select(d => byDay.Where(x => x.Day == WeekStartUtc.AddDays(d)).Sum(x => x.Cost))
            .ToList();
        CostThisWeekUsd = DailyCostUsd.Sum();
    }
}
