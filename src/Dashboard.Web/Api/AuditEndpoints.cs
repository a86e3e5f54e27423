using Tollgate.Analytics.Audit;

namespace Tollgate.Dashboard.Web.Api;

/// <summary>The audit trail, for admins: who changed what, newest first.</summary>
public static class AuditEndpoints
{
    public static void MapAuditApi(this RouteGroupBuilder api) =>
        api.MapGet("/audit", async (DateTime? from, DateTime? to, string? action, string? actor, int? limit, AuditQuery query, CancellationToken ct) =>
        {
            if (limit is < 1 or > AuditQuery.MaxLimit)
            {
                return TypedResults.ValidationProblem(
                    new Dictionary<string, string[]> { ["limit"] = [$"Give a limit from 1 to {AuditQuery.MaxLimit}, or leave it out for {AuditQuery.DefaultLimit}."] },
                    title: "The audit query is not valid");
            }

            var filter = new AuditFilter(from?.ToUniversalTime(), to?.ToUniversalTime(), Blank(action), Blank(actor), limit ?? AuditQuery.DefaultLimit);
            return (IResult)TypedResults.Ok(await query.ListAsync(filter, ct));
        }).RequireAuthorization(ApiPolicies.Admin);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
