namespace Tollgate.Dashboard.Web.Api;

/// <summary>
/// Refuses requests whose path or query holds a NUL character (%00). No name Tollgate stores can
/// contain one (PostgreSQL text cannot), so such a value can only fail a query; it is answered
/// 400 here instead of reaching the database as a 500.
/// </summary>
public static class NulCharacters
{
    public static IApplicationBuilder UseNulCharacterRefusal(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (Holds(context.Request))
        {
            await Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "NUL character in the request",
                detail: "The path or a query parameter contains a NUL character (%00), which no stored name can hold.")
                .ExecuteAsync(context);
            return;
        }

        await next(context);
    });

    internal static bool Holds(HttpRequest request) =>
        request.Path.Value?.Contains('\0', StringComparison.Ordinal) == true
        || request.Query.Any(p => p.Key.Contains('\0', StringComparison.Ordinal) || p.Value.Any(v => v?.Contains('\0', StringComparison.Ordinal) == true));
}
