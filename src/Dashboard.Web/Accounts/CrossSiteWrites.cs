namespace Tollgate.Dashboard.Web.Accounts;

/// <summary>
/// Refuses changes that a browser sends from another site with the sign-in cookie attached
/// (cross-site request forgery). Forms of Tollgate's own pages carry antiforgery tokens too; this
/// also covers endpoints that take raw bodies (CSV and price-file uploads), and pages on another
/// port of the same host, against which SameSite cookies do not help. Requests that carry an
/// <c>Authorization</c> header or no sign-in cookie are not a browser acting for a signed-in user
/// and pass: scripts use API keys, and a page of another site cannot add that header without a
/// CORS preflight, which Tollgate never grants.
/// </summary>
public static class CrossSiteWrites
{
    public static IApplicationBuilder UseCrossSiteWriteProtection(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (IsCrossSiteCookieWrite(context.Request, out var seen))
        {
            await Results.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Cross-site change refused",
                detail: $"This change was sent from another site ({seen}). A signed-in session only authorises changes made from Tollgate's own pages; scripts should authenticate with an API key.")
                .ExecuteAsync(context);
            return;
        }

        await next(context);
    });

    /// <summary>
    /// Browsers say where a request comes from in <c>Sec-Fetch-Site</c> ("same-site" includes other
    /// ports of this host, so only "same-origin" and "none", a typed address, pass); older ones
    /// only in <c>Origin</c>, which must then be this server's own.
    /// </summary>
    internal static bool IsCrossSiteCookieWrite(HttpRequest request, out string seen)
    {
        seen = "";
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method)
            || !request.Cookies.ContainsKey(AccountCookie.Name)
            || request.Headers.Authorization.Count > 0)
        {
            return false;
        }

        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0)
        {
            seen = "Sec-Fetch-Site: " + site;
            return site is not ("same-origin" or "none");
        }

        var origin = request.Headers.Origin.ToString();
        seen = "Origin: " + origin;
        return origin.Length > 0 && !string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>The sign-in cookie's name, shared by its configuration and the checks that look for it.</summary>
public static class AccountCookie
{
    public const string Name = "tollgate.auth";
}
