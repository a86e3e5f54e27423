using System.Globalization;

namespace Tollgate.Dashboard.Web.Components.Display;

/// <summary>
/// How every page writes money, token counts and durations, so that the same figure reads the
/// same everywhere. Invariant culture: the dashboard is in English and figures must not depend on
/// the server's locale.
/// </summary>
public static class Format
{
    /// <summary>Small amounts keep this many significant digits (a cent rounds a model call to nothing).</summary>
    private const int SmallAmountSignificantDigits = 2;

    /// <summary>Below this an amount is shown as zero: nothing is billed in fractions of a nano-dollar.</summary>
    private const int MaxDecimals = 8;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary><c>$1,234.56</c>; amounts under a dollar keep two significant digits (<c>$0.0042</c>); "–" for none.</summary>
    public static string Money(decimal? usd)
    {
        if (usd is not { } value)
        {
            return "–";
        }

        var sign = value < 0 ? "-" : "";
        var abs = Math.Abs(value);
        var decimals = 2;
        if (abs > 0 && abs < 1)
        {
            // Leading zeros after the point, then the significant digits.
            var leadingZeros = (int)Math.Floor(-Math.Log10((double)abs));
            decimals = Math.Clamp(leadingZeros + SmallAmountSignificantDigits, 2, MaxDecimals);
        }

        var rounded = Math.Round(abs, decimals, MidpointRounding.AwayFromZero);
        var text = rounded.ToString("N" + decimals.ToString(Invariant), Invariant);
        if (decimals > 2)
        {
            // $0.50 not $0.500: trailing zeros past the cents say nothing.
            text = text.TrimEnd('0');
            var point = text.IndexOf('.', StringComparison.Ordinal);
            if (point >= 0 && text.Length - point - 1 < 2)
            {
                text = text.PadRight(point + 3, '0');
            }
        }

        return rounded == 0 ? "$0.00" : sign + "$" + text;
    }

    /// <summary><c>950</c>, <c>12.3k</c>, <c>4.5M</c>, <c>1.2B</c>; "–" for none.</summary>
    public static string Tokens(long? count)
    {
        if (count is not { } value)
        {
            return "–";
        }

        var abs = Math.Abs((double)value);
        var (scaled, suffix) = abs switch
        {
            >= 999_950_000 => (value / 1e9, "B"),
            >= 999_950 => (value / 1e6, "M"),
            >= 1_000 => (value / 1e3, "k"),
            _ => ((double)value, ""),
        };
        return scaled.ToString(suffix.Length == 0 ? "0" : "0.#", Invariant) + suffix;
    }

    /// <summary><c>0.4 ms</c>, <c>120 ms</c>, <c>1.25 s</c>, <c>2m 05s</c>, <c>1h 02m</c>.</summary>
    public static string Duration(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            duration = TimeSpan.Zero;
        }

        return duration.TotalMilliseconds switch
        {
            < 1 => duration.TotalMilliseconds.ToString("0.#", Invariant) + " ms",
            < 1_000 => duration.TotalMilliseconds.ToString("0", Invariant) + " ms",
            < 60_000 => duration.TotalSeconds.ToString("0.##", Invariant) + " s",
            < 3_600_000 => string.Create(Invariant, $"{(int)duration.TotalMinutes}m {duration.Seconds:00}s"),
            _ => string.Create(Invariant, $"{(int)duration.TotalHours}h {duration.Minutes:00}m"),
        };
    }

    /// <summary>A whole number with thousands separators: <c>12,345</c>.</summary>
    public static string Count(long value) => value.ToString("N0", Invariant);
}
