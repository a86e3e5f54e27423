using System.Globalization;
using System.Text.Json;
using Tollgate.Analytics.Audit;

namespace Tollgate.Dashboard.Web.Components.Pages.Audit;

/// <summary>
/// The audit log page: entries newest first, filtered by action (or area) and actor, a bounded
/// page at a time; "older" continues from the oldest entry shown.
/// </summary>
public sealed class AuditViewModel(AuditQuery query)
{
    /// <summary>Entries per page: a morning of changes, small enough to read and render.</summary>
    public const int PageSize = 50;

    /// <summary>Filters longer than this match no action or actor.</summary>
    private const int MaxFilterLength = 256;

    // The page HTML-encodes the text, so the JSON need not escape markup characters: "<" reads as "<", not "\u003C".
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public IReadOnlyList<AuditRow> Rows { get; private set; } = [];

    public string? Action { get; private set; }

    public string? Actor { get; private set; }

    /// <summary>The <c>before</c> value of the link to the next, older page ("time|id" of the oldest entry shown); null when this page is the last.</summary>
    public string? OlderThan { get; private set; }

    /// <summary>Loads a page; <paramref name="before"/> is "time|id" of the previous page's oldest entry, and this page starts just after it.</summary>
    public async Task LoadAsync(string? action, string? actor, string? before, CancellationToken cancellationToken = default)
    {
        Action = Clean(action);
        Actor = Clean(actor);
        var cursor = Cursor.Parse(before);
        // Entries of one transaction share their time, so the page boundary is (time, id): read up
        // to just past the boundary's time and drop what the previous page showed. At most a page
        // of entries at that time was shown; one more than a page says whether an older page exists.
        var to = cursor?.At.AddTicks(TimeSpan.TicksPerMillisecond / 1000);
        var limit = cursor is null ? PageSize + 1 : (2 * PageSize) + 1;
        var rows = await query.ListAsync(new AuditFilter(null, to, Action, Actor, limit), cancellationToken);
        var older = rows.Where(r => cursor is not { } c || r.At < c.At || (r.At == c.At && r.Id < c.Id)).Take(PageSize + 1).ToList();
        Rows = [.. older.Take(PageSize)];
        OlderThan = older.Count > PageSize ? new Cursor(Rows[^1].At, Rows[^1].Id).ToString() : null;
    }

    private readonly record struct Cursor(DateTime At, long Id)
    {
        public static Cursor? Parse(string? text)
        {
            var parts = text?.Split('|');
            return parts is [var at, var id]
                && DateTime.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)
                && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                ? new Cursor(DateTime.SpecifyKind(time, DateTimeKind.Utc), number)
                : null;
        }

        public override string ToString() => At.ToString("O", CultureInfo.InvariantCulture) + "|" + Id.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A stored JSON document, indented for reading; shown as text, never as markup.</summary>
    public static string Pretty(JsonElement? document) =>
        document is { } value ? JsonSerializer.Serialize(value, Indented) : "";

    private static string? Clean(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Trim()[..Math.Min(value.Trim().Length, MaxFilterLength)];
}
