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

    /// <summary>The <c>before</c> value of the link to the next, older page; null when this page is the last.</summary>
    public string? OlderThan { get; private set; }

    public async Task LoadAsync(string? action, string? actor, string? before, CancellationToken cancellationToken = default)
    {
        Action = Clean(action);
        Actor = Clean(actor);
        DateTime? to = DateTime.TryParse(before, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed)
            ? DateTime.SpecifyKind(parsed, DateTimeKind.Utc)
            : null;
        // One more than a page says whether an older page exists.
        var rows = await query.ListAsync(new AuditFilter(null, to, Action, Actor, PageSize + 1), cancellationToken);
        Rows = [.. rows.Take(PageSize)];
        OlderThan = rows.Count > PageSize ? Rows[^1].At.ToString("O", CultureInfo.InvariantCulture) : null;
    }

    /// <summary>A stored JSON document, indented for reading; shown as text, never as markup.</summary>
    public static string Pretty(JsonElement? document) =>
        document is { } value ? JsonSerializer.Serialize(value, Indented) : "";

    private static string? Clean(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Trim()[..Math.Min(value.Trim().Length, MaxFilterLength)];
}
