using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Http.Features;
using Tollgate.Analytics.Configuration;
using Tollgate.Analytics.Jobs;
using Tollgate.Analytics.Projects;
using Tollgate.Analytics.Revenue;
using Tollgate.Analytics.Storage;

namespace Tollgate.Dashboard.Web.Api;

public sealed record RevenueInput(string? Feature, string? Customer, DateTime? PeriodStart, DateTime? PeriodEnd, decimal? AmountUsd);

/// <summary>
/// A background revenue import (<c>POST /api/v1/revenue/imports</c>): <c>status</c> is queued, running,
/// succeeded or failed; <c>linesDone</c> of <c>linesTotal</c> shows progress; a refused file lists its
/// first bad lines in <c>lineErrors</c> and counts them all in <c>lineErrorCount</c>.
/// </summary>
public sealed record RevenueImportDto(long Id, string? Project, string? FileName, string Status, int? LinesTotal, int LinesDone, int? Inserted,
    int? Replaced, string? Error, IReadOnlyList<string> LineErrors, int LineErrorCount, string RequestedBy, DateTime RequestedAt,
    DateTime? StartedAt, DateTime? FinishedAt);

public sealed record RevenueDto(string Feature, string? Customer, DateTime PeriodStart, DateTime PeriodEnd, decimal AmountUsd, string CreatedBy, DateTime CreatedAt);

/// <summary>
/// Revenue per feature and period, as JSON or as a CSV file. All or nothing: one bad line
/// refuses the whole set, and the answer lists every bad line with its reason.
/// </summary>
public static class RevenueEndpoints
{
    /// <summary>A revenue file larger than this is refused: split it.</summary>
    public const long MaxCsvBytes = 8 * 1024 * 1024;

    /// <summary>Imports listed by <c>GET /revenue/imports</c>.</summary>
    public const int RecentImports = 50;

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
            var errors = lines.Select((l, i) => l.Problem() is { } p ? $"item {i + 1}: {p}" : null).OfType<string>()
                .Concat(RevenueLine.Repeats(lines).Select(r => $"item {r.Index + 1}: repeats the feature, customer and period of item {r.FirstIndex + 1}; keep one"))
                .ToList();
            return errors.Count > 0 ? Problem(errors) : await StoreAsync(lines, project, user, store, projects, options, ct);
        }).RequireAuthorization(ApiPolicies.Revenue);

        api.MapPost("/revenue/csv", async (HttpRequest request, string? project, ClaimsPrincipal user, RevenueStore store, ProjectStore projects,
            TollgateOptions options, CancellationToken ct) =>
        {
            if (await ReadBoundedAsync(request, MaxCsvBytes, ct) is not { } body)
            {
                return TooLarge(MaxCsvBytes, "split the file, or import it in the background at POST /api/v1/revenue/imports");
            }

            using var text = new StreamReader(new MemoryStream(body));
            var (lines, errors) = RevenueCsv.Parse(text);
            return errors.Count > 0 ? Problem(errors) : await StoreAsync(lines, project, user, store, projects, options, ct);
        }).RequireAuthorization(ApiPolicies.Revenue).DisableAntiforgery();

        api.MapPost("/revenue/imports", async Task<IResult> (HttpRequest request, string? project, string? fileName, ClaimsPrincipal user,
            RevenueImportJobs imports, RevenueImports store, ProjectStore projects, TollgateOptions options, CancellationToken ct) =>
        {
            if (await ReadBoundedAsync(request, RevenueImports.MaxBytes, ct) is not { } body)
            {
                return TooLarge(RevenueImports.MaxBytes, "split the file");
            }

            if (body.Length == 0)
            {
                return TypedResults.Problem(statusCode: 400, title: "Empty revenue file",
                    detail: "Send the CSV file as the request body; its first line names the columns feature, customer, periodStart, periodEnd, amountUsd.");
            }

            var projectName = project ?? options.DefaultProject;
            if ((await projects.ListAsync(ct)).FirstOrDefault(p => p.Name == projectName) is not { } target)
            {
                return ProjectParameter.Unknown(projectName);
            }

            var id = await imports.QueueAsync(target.Id, body, fileName, user.Identity?.Name ?? "unknown", CancellationToken.None);
            return TypedResults.Accepted($"/api/v1/revenue/imports/{id}", ToDto((await store.GetAsync(id, CancellationToken.None))!, target.Name));
        }).RequireAuthorization(ApiPolicies.Revenue).DisableAntiforgery();

        api.MapGet("/revenue/imports/{id:long}", async Task<IResult> (long id, RevenueImports store, ProjectStore projects, CancellationToken ct) =>
            await store.GetAsync(id, ct) is { } import
                ? TypedResults.Ok(ToDto(import, (await projects.ListAsync(ct)).FirstOrDefault(p => p.Id == import.ProjectId)?.Name))
                : TypedResults.Problem(statusCode: 404, title: "Unknown revenue import", detail: $"There is no revenue import {id}."));

        api.MapGet("/revenue/imports", async Task<IResult> (string? project, RevenueImports store, ProjectStore projects, TollgateOptions options, CancellationToken ct) =>
        {
            var projectName = project ?? options.DefaultProject;
            return (await projects.ListAsync(ct)).FirstOrDefault(p => p.Name == projectName) is { } target
                ? TypedResults.Ok((await store.ListAsync(target.Id, RecentImports, ct)).Select(i => ToDto(i, target.Name)))
                : ProjectParameter.Unknown(projectName);
        });
    }

    /// <summary>The body, or null when it is larger than <paramref name="limit"/> (read whole: the CSV reader is synchronous and Kestrel streams are not).</summary>
    private static async Task<byte[]?> ReadBoundedAsync(HttpRequest request, long limit, CancellationToken ct)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size && size.MaxRequestBodySize < limit)
        {
            size.MaxRequestBodySize = limit + 1;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81_920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static RevenueImportDto ToDto(RevenueImport i, string? project) => new(
        i.Id, project, i.FileName, i.Status, i.LinesTotal, i.LinesDone, i.Inserted, i.Replaced, i.Error, i.LineErrors, i.LineErrorCount,
        i.RequestedBy, i.RequestedAt, i.StartedAt, i.FinishedAt);

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TooLarge(long limit, string advice) =>
        TypedResults.Problem(statusCode: 413, title: "Revenue file too large", detail: $"The limit is {limit / (1024 * 1024)} MiB: {advice}.");

    private static async Task<IResult> StoreAsync(List<RevenueLine> lines, string? project, ClaimsPrincipal user, RevenueStore store,
        ProjectStore projects, TollgateOptions options, CancellationToken ct)
    {
        var projectName = project ?? options.DefaultProject;
        var projectId = (await projects.ListAsync(ct)).FirstOrDefault(p => p.Name == projectName)?.Id;
        if (projectId is null)
        {
            return ProjectParameter.Unknown(projectName);
        }

        var summary = await store.StoreAsync(projectId.Value, lines, user.Identity?.Name ?? "unknown", cancellationToken: ct);
        return TypedResults.Ok(summary);
    }

    /// <summary>400 with every bad line; nothing was stored.</summary>
    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Problem(List<string> errors) => TypedResults.Problem(
        statusCode: 400,
        title: "Revenue not stored",
        detail: $"{errors.Count} line(s) are invalid and nothing was stored; fix them and send the whole set again.",
        extensions: new Dictionary<string, object?> { ["errors"] = errors });
}
