using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Tollgate.Analytics.Configuration;
using Tollgate.Analytics.Metrics;
using Tollgate.Analytics.Projects;
using Tollgate.Analytics.Revenue;
using Tollgate.Analytics.Storage;
using Tollgate.Dashboard.Web.Accounts;
using Tollgate.Dashboard.Web.Api;

namespace Tollgate.Dashboard.Web.Components.Pages.Pnl;

/// <summary>What a revenue upload did: how many lines were stored, or every bad line (and then nothing was stored).</summary>
public sealed record RevenueUploadResult(int Stored, IReadOnlyList<string> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// The feature P&amp;L page: revenue, AI cost and margin per feature over a period against the
/// period before, and the revenue CSV upload. Built without rendering so tests can check it.
/// </summary>
public sealed class PnlViewModel(TollgateDbContext db, FeaturePnlQuery pnl, RevenueStore revenue, ProjectStore projects, TollgateOptions options, TimeProvider time)
{
    public const string CustomPeriod = "custom";

    /// <summary>The periods offered; the default is 30 days, a month of revenue.</summary>
    public static IReadOnlyList<(string Value, string Label)> Periods { get; } =
        [("7", "Last 7 days"), ("30", "Last 30 days"), ("90", "Last 90 days"), (CustomPeriod, "From … to …")];

    public const string DefaultPeriod = "30";

    public bool HasSpans { get; private set; }
    public bool HasRevenue { get; private set; }
    public string Period { get; private set; } = DefaultPeriod;
    public string? PeriodError { get; private set; }
    public QueryWindow? Window { get; private set; }
    public IReadOnlyList<FeaturePnlRow> Rows { get; private set; } = [];

    public static bool MayUpload(ClaimsPrincipal user) => user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Pm);

    /// <summary>Period: 7, 30, 90 (days back from now) or "custom" with from/to dates (yyyy-MM-dd, to inclusive).</summary>
    /// <summary>The projects revenue can be stored for, by name; the upload form offers a choice when there are several.</summary>
    public IReadOnlyList<string> Projects { get; private set; } = [];

    public string DefaultProject => options.DefaultProject;

    public async Task LoadAsync(string? period, string? from, string? to, CancellationToken cancellationToken = default)
    {
        HasSpans = await db.Spans.AnyAsync(cancellationToken);
        HasRevenue = await db.Revenue.AnyAsync(cancellationToken);
        Projects = [.. (await projects.ListAsync(cancellationToken)).Select(p => p.Name).Order(StringComparer.Ordinal)];
        var now = time.GetUtcNow().UtcDateTime;
        Period = Periods.Any(p => p.Value == period) ? period! : DefaultPeriod;
        if (Period == CustomPeriod)
        {
            var start = ParseDay(from);
            var end = ParseDay(to);
            if (start is null || end is null)
            {
                PeriodError = "Give both dates as yyyy-MM-dd (the 'to' day is included).";
                return;
            }

            Window = QueryWindow.TryCreate(start, end.Value.AddDays(1), now, out var error);
            PeriodError = error;
        }
        else
        {
            var days = int.Parse(Period, CultureInfo.InvariantCulture);
            Window = QueryWindow.TryCreate(now.AddDays(-days), now, now, out var error);
            PeriodError = error;
        }

        if (Window is not null)
        {
            Rows = (await pnl.GetAsync(Window, cancellationToken: cancellationToken)).Rows;
        }
    }

    /// <summary>Parses and stores a revenue CSV for the project (the default one when none is named), all or nothing.</summary>
    public async Task<RevenueUploadResult> UploadAsync(Stream csv, long length, ClaimsPrincipal user, string? projectName = null, CancellationToken cancellationToken = default)
    {
        if (!MayUpload(user))
        {
            throw new UnauthorizedAccessException("Only PMs and admins may upload revenue.");
        }

        if (length <= 0)
        {
            return new(0, ["Choose a CSV file to upload."]);
        }

        if (length > RevenueEndpoints.MaxCsvBytes)
        {
            return new(0, [$"The file is larger than {RevenueEndpoints.MaxCsvBytes / (1024 * 1024)} MiB: split it."]);
        }

        // Read whole (bounded above) before parsing: the CSV reader is synchronous.
        using var buffer = new MemoryStream();
        await csv.CopyToAsync(buffer, cancellationToken);
        buffer.Position = 0;
        using var text = new StreamReader(buffer);
        var (lines, errors) = RevenueCsv.Parse(text);
        if (errors.Count > 0)
        {
            return new(0, errors);
        }

        if (lines.Count == 0)
        {
            return new(0, ["The file has a header but no revenue lines."]);
        }

        var name = string.IsNullOrWhiteSpace(projectName) ? options.DefaultProject : projectName.Trim();
        var project = (await projects.ListAsync(cancellationToken)).FirstOrDefault(p => p.Name == name);
        if (project is null)
        {
            return new(0, [$"There is no project '{name}' to store the revenue in."]);
        }

        var summary = await revenue.StoreAsync(project.Id, lines, user.Identity?.Name ?? "unknown", cancellationToken: cancellationToken);
        return new(summary.Inserted + summary.Replaced, []);
    }

    /// <summary><c>+$12.50</c> / <c>-$3.00</c>.</summary>
    public static string SignedMoney(decimal usd) => (usd > 0 ? "+" : "") + Display.Format.Money(usd);

    /// <summary><c>42.5%</c> of a 0..1 fraction; "–" for none.</summary>
    public static string Percent(double? fraction) =>
        fraction is { } f ? (f * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%" : "–";

    public static string Percent(decimal? fraction) => Percent((double?)fraction);

    private static DateTime? ParseDay(string? value) =>
        DateTime.TryParseExact(value?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var day) ? day : null;
}
