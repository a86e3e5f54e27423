using System.Globalization;

namespace Tollgate.Dashboard.Web.Components.Display;

/// <summary>
/// Shows times in the viewer's time zone. wwwroot/js/timezone.js stores the browser's IANA zone
/// in a cookie; until the browser has sent it (or when it names no known zone) times are UTC.
/// </summary>
public sealed class ViewerClock
{
    public const string CookieName = "tollgate.tz";

    /// <summary>IANA zone names are short; anything longer is not one and is ignored.</summary>
    private const int MaxZoneNameLength = 64;

    public ViewerClock(IHttpContextAccessor http)
        : this(http.HttpContext?.Request.Cookies[CookieName])
    {
    }

    public ViewerClock(string? zoneName)
    {
        Zone = Find(zoneName) ?? TimeZoneInfo.Utc;
    }

    public TimeZoneInfo Zone { get; }

    /// <summary>The zone's IANA name, "UTC" when unknown.</summary>
    public string ZoneName => Zone == TimeZoneInfo.Utc ? "UTC" : Zone.Id;

    public DateTime ToLocal(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);

    /// <summary><c>2026-11-21 14:05:09</c> in the viewer's zone.</summary>
    public string At(DateTime utc) => ToLocal(utc).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary><c>14:05:09.123</c> in the viewer's zone, for spans close together.</summary>
    public string TimeOfDay(DateTime utc) => ToLocal(utc).ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);

    /// <summary>An ISO-8601 UTC value for <c>&lt;time datetime&gt;</c>.</summary>
    public static string Iso(DateTime utc) =>
        DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private static TimeZoneInfo? Find(string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxZoneNameLength)
        {
            return null;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(name);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }
    }
}
