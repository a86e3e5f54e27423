using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Tollgate.Analytics.Benchmarks;
using Tollgate.Analytics.Insights;
using Tollgate.Analytics.Maturity;
using Tollgate.Analytics.Metrics;
using Tollgate.Analytics.Storage;

namespace Tollgate.Dashboard.Web.Components.Pages.Insights;

/// <summary>
/// The maturity level and the industry benchmarks of the last 30 days, from the organisation's
/// own figures. Built without rendering so tests can check it.
/// </summary>
public sealed class BenchmarksViewModel(TollgateDbContext db, OrganisationFiguresLoader figures, BenchmarkBandStore bands, TimeProvider time)
{
    public bool HasSpans { get; private set; }
    public QueryWindow Window { get; private set; } = null!;
    public MaturityResult? Maturity { get; private set; }
    public IReadOnlyList<BenchmarkRow> Benchmarks { get; private set; } = [];

    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        Window = QueryWindow.Resolve(null, null, null, time.GetUtcNow().UtcDateTime);
        HasSpans = await db.Spans.AnyAsync(cancellationToken);
        if (!HasSpans)
        {
            return;
        }

        var organisation = await figures.LoadAsync(Window, cancellationToken);
        Maturity = MaturityAssessment.Assess(organisation);
        Benchmarks = BenchmarkReport.Build(organisation, await bands.ListAsync(cancellationToken));
    }

    /// <summary>A value in its metric's unit: <c>12.5%</c> for fractions, dollars for USD.</summary>
    public static string Value(string unit, decimal? value) => value is not { } v ? "–"
        : unit == "usd" ? Display.Format.Money(v)
        : (v * 100m).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    /// <summary>The limits of each band as values are placed in them: together they cover every value.</summary>
    public static (string Low, string Median, string Elite) Limits(BenchmarkBand b)
    {
        var ranges = b.Ranges;
        return (Limit(b.Unit, ranges.Low), Limit(b.Unit, ranges.Median), Limit(b.Unit, ranges.Elite));
    }

    /// <summary>The industry's own figures, which leave gaps between bands.</summary>
    public static string Published(BenchmarkBand b) => b.HigherIsBetter
        ? $"low below {Value(b.Unit, b.LowBound)}, median {Value(b.Unit, b.MedianFrom)} to {Value(b.Unit, b.MedianTo)}, elite above {Value(b.Unit, b.EliteBound)}"
        : $"low above {Value(b.Unit, b.LowBound)}, median {Value(b.Unit, b.MedianFrom)} to {Value(b.Unit, b.MedianTo)}, elite below {Value(b.Unit, b.EliteBound)}";

    private static string Limit(string unit, BandRange range) => range switch
    {
        { Above: { } above } => $"above {Value(unit, above)}",
        { Below: { } below } => $"below {Value(unit, below)}",
        _ => $"{Value(unit, range.From)} to {Value(unit, range.To)}",
    };
}
