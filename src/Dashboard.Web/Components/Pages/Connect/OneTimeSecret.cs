using Microsoft.AspNetCore.DataProtection;

namespace Tollgate.Dashboard.Web.Components.Pages.Connect;

/// <summary>
/// Carries a new key across the redirect after the form post (post-redirect-get) without putting it
/// in a URL: an encrypted, short-lived, HTTP-only cookie that the next page view reads and deletes.
/// </summary>
public sealed class OneTimeSecret(IDataProtectionProvider protection)
{
    public const string CookieName = "tollgate.once";

    /// <summary>Long enough for the redirect, short enough that a forgotten tab does not keep it.</summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    private readonly IDataProtector _protector = protection.CreateProtector("Tollgate.OneTimeSecret");

    public void Put(HttpContext http, string path, string secret)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Cookies.Append(CookieName, _protector.Protect(secret), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Path = path,
            MaxAge = Lifetime,
            Secure = http.Request.IsHttps,
        });
    }

    /// <summary>The secret put by the previous response, once; null when there is none or it was tampered with.</summary>
    public string? Take(HttpContext http, string path)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Request.Cookies[CookieName] is not { } value)
        {
            return null;
        }

        http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = path });
        try
        {
            return _protector.Unprotect(value);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }
}
