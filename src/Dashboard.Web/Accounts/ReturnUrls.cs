using System.Globalization;
using System.Text;

namespace Tollgate.Dashboard.Web.Accounts;

/// <summary>Where to go after signing in.</summary>
public static class ReturnUrls
{
    /// <summary>
    /// The requested path when it is a path of this site (an open redirect would let a link send
    /// people elsewhere after signing in), else "/". Characters a Location header cannot carry
    /// (non-ASCII, controls) are percent-encoded as UTF-8, as a browser would have sent them.
    /// </summary>
    public static string LocalOrHome(string? url)
    {
        if (url is null || !url.StartsWith('/') || url.StartsWith("//", StringComparison.Ordinal) || url.StartsWith("/\\", StringComparison.Ordinal))
        {
            return "/";
        }

        var target = new StringBuilder(url.Length);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in url.EnumerateRunes())
        {
            if (rune.IsAscii && !Rune.IsControl(rune))
            {
                target.Append((char)rune.Value);
                continue;
            }

            foreach (var b in utf8[..rune.EncodeToUtf8(utf8)])
            {
                target.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        var escaped = target.ToString();
        return Uri.IsWellFormedUriString(escaped, UriKind.Relative) ? escaped : "/";
    }
}
