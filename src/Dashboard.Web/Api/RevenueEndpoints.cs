using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Tollgate.Analytics.Configuration;
using Tollgate.Analytics.Projects;
using Tollgate.Analytics.Revenue;
using Tollgate.Analytics.Storage;

namespace Tollgate.Dashboard.Web.Api;

public sealed record RevenueInput(string? Feature, string? Customer, DateTime? PeriodStart, DateTime? PeriodEnd, decimal? AmountUsd);

public sealed record RevenueDto(string Feature, string? Customer, DateTime PeriodStart, DateTime PeriodEnd, decimal AmountUsd, string CreatedBy, DateTime CreatedAt);

/// <summary>
/// Revenue per feature and period, as JSON or as a CSV file. All or nothing: one bad line
/// refuses the whole set, and the answer lists every bad line with its reason.
/// </summary>
public static class RevenueEndpoints
{
    /// <summary>A revenue file larger than this is refused: split it.</summary>
    public const long MaxCsvBytes = 8 * 1024 * 1024;

    public static void MapRevenueApi(this RouteGroupBuilder api)
    {
        api.MapGet("/revenue", async (DateTime? from, DateTime? to, string? project, TollgateDbContext db, TollgateOptions options, CancellationToken ct) =>
        {
            var projectName = project ?? options.DefaultProject;
            var start = from?.ToUniversalTime() ?? DateTime.MinValue.ToUniversalTime();
            var end = to?.ToUniversalTime() ?? DateTime.MaxValue.ToUniversalTime();
            var rows = await db.Revenue.AsNoTracking()
                .Where(r => db.Projects.Any(p => p.Id == r.ProjectId && p.Name == projectName) && r.PeriodEnd > start && r.PeriodStart < end)
                .OrderBy(r => r.PeriodStart).ThenBy(r => r.Feature).ThenBy(r => r.Customer)
                .Take(10_000)
                .Select(r => new RevenueDto(r.Feature, r.Customer, r.PeriodStart, r.PeriodEnd, r.AmountUsd, r.CreatedBy, r.CreatedAt))
                .ToListAsync(ct);
            return TypedResults.Ok(rows);
        });

        api.MapPost("/revenue", async (List<RevenueInput>? input, string? project, ClaimsPrincipal user, RevenueStore store, ProjectStore projects,
            TollgateOptions options, CancellationToken ct) =>
        {
            if (input is null || input.Count == 0)
            {
                return Problem(["the body must be a JSON array of { feature, customer?, periodStart, periodEnd, amountUsd }"]);
            }

            var lines = input.Select(i => new RevenueLine(i.Feature, i.Customer, i.PeriodStart, i.PeriodEnd, i.AmountUsd)).ToList();
            var errors = lines.Select((l, i) => l.Problem() is { } p ? $"item {i + 1}: {p}" : null).OfType<string>().ToList();
            return errors.Count > 0 ? Problem(errors) : await StoreAsync(lines, project, user, store, projects, options, ct);
        }).RequireAuthorization(ApiPolicies.Revenue);

        api.MapPost("/revenue/csv", async (HttpRequest request, string? project, ClaimsPrincipal user, RevenueStore store, ProjectStore projects,
            TollgateOptions options, CancellationToken ct) =>
        {
            if (request.ContentLength > MaxCsvBytes)
            {
                return TypedResults.Problem(statusCode: 413, title: "Revenue file too large", detail: $"The limit is {MaxCsvBytes / (1024 * 1024)} MiB: split the file.");
            }

            // Read whole (bounded) before parsing: the CSV reader is synchronous and Kestrel streams are not.
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, ct);
            if (buffer.Length > MaxCsvBytes)
            {
                return TypedResults.Problem(statusCode: 413, title: "Revenue file too large", detail: $"The limit is {MaxCsvBytes / (1024 * 1024)} MiB: split the file.");
            }

            buffer.Position = 0;
            using var text = new StreamReader(buffer);
            var (lines, errors) = RevenueCsv.Parse(text);
            return errors.Count > 0 ? Problem(errors) : await StoreAsync(lines, project, user, store, projects, options, ct);
        }).RequireAuthorization(ApiPolicies.Revenue).DisableAntiforgery();
    }

    private static async Task<IResult> StoreAsync(List<RevenueLine> lines, string? project, ClaimsPrincipal user, RevenueStore store,
        ProjectStore projects, TollgateOptions options, CancellationToken ct)
    {
        var projectName = project ?? options.DefaultProject;
        var projectId = (await projects.ListAsync(ct)).FirstOrDefault(p => p.Name == projectName)?.Id;
        if (projectId is null)
        {
            return TypedResults.Problem(statusCode: 404, title: "Unknown project", detail: $"There is no project '{projectName}'.");
        }

        var summary = await store.StoreAsync(projectId.Value, lines, user.Identity?.Name ?? "unknown", ct);
        return TypedResults.Ok(summary);
    }

    /// <summary>400 with every bad line; nothing was stored.</summary>
    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Problem(List<string> errors) => TypedResults.Problem(
        statusCode: 400,
        title: "Revenue not stored",
        detail: $"{errors.Count} line(s) are invalid and nothing was stored; fix them and send the whole set again.",
        extensions: new Dictionary<string, object?> { ["errors"] = errors });
}
