using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Tollgate.Analytics.Audit;
using Tollgate.Dashboard.Web.Api;

namespace Tollgate.Dashboard.Web.Components.Pages.Audit;

/// <summary>
/// The audit log's filters as the address carries them, so that a filtered view can be linked:
/// an action or area, an actor, and a range of days (in the viewer's time zone, both days included).
/// </summary>
public sealed record AuditListQuery(string? Action, string? Actor, string? From, string? To)
{
    /// <summary>Filters longer than this match no action or actor.</summary>
    private const int MaxFilterLength = 256;

    public static AuditListQuery Of(string? action, string? actor, string? from, string? to) => new(Clean(action), Clean(actor), Clean(from), Clean(to));

    /// <summary>The query string of this view ("" when nothing is filtered).</summary>
    public string ToQueryString()
    {
        var parts = new (string Name, string? Value)[] { ("action", Action), ("actor", Actor), ("from", From), ("to", To) }
            .Where(p => p.Value is not null)
            .Select(p => p.Name + "=" + Uri.EscapeDataString(p.Value!))
            .ToList();
        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }

    /// <summary>A day given as yyyy-MM-dd; null when absent; a problem when it is not such a day.</summary>
    public static (DateOnly? Day, string? Problem) Day(string? text) =>
        text is null ? (null, null)
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? (day, null)
        : (null, "Give a day as yyyy-MM-dd, for example 2026-12-01.");

    private static string? Clean(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Trim()[..Math.Min(value.Trim().Length, MaxFilterLength)];
}

/// <summary>
/// The audit log page: entries newest first, filtered by action (or area), actor and days, a page
/// at a time from the database. Only those the audit API lets read may read it here.
/// </summary>
public sealed class AuditViewModel(AuditQuery query, IAuthorizationService authorization)
{
    /// <summary>The policy of the audit API, and so of this page's reads.</summary>
    public const string ReadPolicy = ApiPolicies.Admin;

    /// <summary>Entries per page at first: a morning of changes, small enough to read and render.</summary>
    public const int PageSize = 50;

    // The page HTML-encodes the text, so the JSON need not escape markup characters: "<" reads as "<", not "\u003C".
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Problems of the filter by field ("from", "to"); while there are any, nothing is read.</summary>
    public IReadOnlyDictionary<string, string> Problems { get; private set; } = new Dictionary<string, string>();

    private AuditFilter? _filter;

    /// <summary>Takes the filters of the address; the days are read in <paramref name="zone"/>.</summary>
    public void Filter(AuditListQuery view, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(view);
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        var (from, fromProblem) = AuditListQuery.Day(view.From);
        var (to, toProblem) = AuditListQuery.Day(view.To);
        if (fromProblem is not null)
        {
            problems["from"] = fromProblem;
        }

        if (toProblem is not null)
        {
            problems["to"] = toProblem;
        }
        else if (from is { } first && to is { } last && last < first)
        {
            problems["to"] = "Give a last day on or after the first day.";
        }

        Problems = problems;
        _filter = problems.Count > 0 ? null : new AuditFilter(
            from is { } start ? StartOf(start, zone) : null,
            // Both days are included: the range ends as the day after the last one starts.
            to is { } end ? StartOf(end.AddDays(1), zone) : null,
            view.Action, view.Actor, PageSize);
    }

    public async Task<bool> MayReadAsync(ClaimsPrincipal user) => (await authorization.AuthorizeAsync(user, ReadPolicy)).Succeeded;

    /// <summary>One page (from 0) of the entries the filter keeps, newest first, with how many it keeps in all.</summary>
    public async Task<(IReadOnlyList<AuditRow> Rows, int Total)> PageAsync(ClaimsPrincipal user, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        if (_filter is null || !await MayReadAsync(user))
        {
            return ([], 0);
        }

        var size = Math.Clamp(pageSize, 1, AuditQuery.MaxLimit);
        var filter = _filter with { Limit = size, Offset = checked(Math.Max(page, 0) * size) };
        var total = await query.CountAsync(filter, cancellationToken);
        var rows = filter.Offset < total ? await query.ListAsync(filter, cancellationToken) : [];
        return (rows, (int)Math.Min(total, int.MaxValue));
    }

    /// <summary>A stored JSON document, indented for reading; shown as text, never as markup.</summary>
    public static string Pretty(JsonElement? document) =>
        document is { } value ? JsonSerializer.Serialize(value, Indented) : "";

    private static DateTime StartOf(DateOnly day, TimeZoneInfo zone)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        // Where clocks skip midnight (a daylight-saving change), the day starts at the first hour that exists.
        while (zone.IsInvalidTime(midnight))
        {
            midnight = midnight.AddHours(1);
        }

        return TimeZoneInfo.ConvertTimeToUtc(midnight, zone);
    }
}
