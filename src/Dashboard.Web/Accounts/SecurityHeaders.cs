namespace Tollgate.Dashboard.Web.Accounts;

/// <summary>
/// Headers that tell browsers what the dashboard's pages may do. Every script and style sheet is
/// served by Tollgate itself; style attributes stay allowed (bars and indicators are positioned
/// with them), scripts only from files, so that nothing injected into a page could run. No other
/// site may frame a page (clickjacking), and links to other sites carry no path or query.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
        + "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            return Task.CompletedTask;
        });
        await next(context);
    });
}
