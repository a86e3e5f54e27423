using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Tollgate.Analytics.Configuration;
using Tollgate.Analytics.Jobs;
using Tollgate.Analytics.Metrics;
using Tollgate.Analytics.Projects;
using Tollgate.Analytics.Revenue;
using Tollgate.Analytics.Storage;
using Tollgate.Dashboard.Web.Api;

namespace Tollgate.Dashboard.Web.Components.Pages.Pnl;

/// <summary>A revenue upload handed to the background import (its id), or why it was not.</summary>
public sealed record RevenueUploadStart(long? ImportId, string? Error)
{
    public static RevenueUploadStart Refused(string error) => new(null, error);
}

/// <summary>
/// The feature P&amp;L page: revenue, AI cost and margin per feature over a period against the
/// period before, and the revenue CSV upload, imported in the background. Built without rendering
/// so tests can check it.
/// </summary>
public sealed class PnlViewModel(TollgateDbContext db, FeaturePnlQuery pnl, RevenueImportJobs imports, RevenueImports importsStore, ProjectStore projects,
    IAuthorizationService authorization, TollgateOptions options, TimeProvider time)
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

    /// <summary>The projects revenue can be stored for, by name; the upload form offers a choice when there are several.</summary>
    public IReadOnlyList<string> Projects { get; private set; } = [];

    public string DefaultProject => options.DefaultProject;

    /// <summary>Period: 7, 30, 90 (days back from now) or "custom" with from/to dates (yyyy-MM-dd, to inclusive).</summary>
    public async Task LoadAsync(string? period, string? from, string? to, CancellationToken cancellationToken = default)
    {
        // A circuit loads again into the same model when the period changes or an import ends.
        (PeriodError, Window, Rows) = (null, null, []);
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

    /// <summary>
    /// Keeps a revenue CSV and queues its import into the project (the default one when none is
    /// named); follow it with <see cref="GetImportAsync"/>. Who may upload is the revenue API's policy.
    /// </summary>
    public async Task<RevenueUploadStart> QueueImportAsync(Stream csv, long length, string? fileName, ClaimsPrincipal user, string? projectName = null,
        CancellationToken cancellationToken = default)
    {
        if (!(await authorization.AuthorizeAsync(user, ApiPolicies.Revenue)).Succeeded)
        {
            throw new UnauthorizedAccessException("Only PMs and admins may upload revenue.");
        }

        if (length <= 0)
        {
            return RevenueUploadStart.Refused("Choose a CSV file to upload: this one is empty.");
        }

        if (length > RevenueImports.MaxBytes)
        {
            return RevenueUploadStart.Refused($"The file is larger than {RevenueImports.MaxBytes / (1024 * 1024)} MiB: split it.");
        }

        var name = string.IsNullOrWhiteSpace(projectName) ? options.DefaultProject : projectName.Trim();
        if ((await projects.ListAsync(cancellationToken)).FirstOrDefault(p => p.Name == name) is not { } project)
        {
            return RevenueUploadStart.Refused($"There is no project '{name}' to store the revenue in.");
        }

        using var buffer = new MemoryStream();
        await csv.CopyToAsync(buffer, cancellationToken);
        var id = await imports.QueueAsync(project.Id, buffer.ToArray(), fileName, user.Identity?.Name ?? "unknown", CancellationToken.None);
        return new(id, null);
    }

    /// <summary>A queued import as it stands: its status, lines done of the total, and the bad lines of a refused file.</summary>
    public Task<RevenueImport?> GetImportAsync(long id, CancellationToken cancellationToken = default) => importsStore.GetAsync(id, cancellationToken);

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
