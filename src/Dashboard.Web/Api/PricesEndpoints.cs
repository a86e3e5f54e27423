using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Tollgate.Analytics.Jobs;
using Tollgate.Analytics.Pricing;
using Tollgate.Analytics.Spans;
using Tollgate.Analytics.Storage;
using Tollgate.Analytics.Storage.Entities;

namespace Tollgate.Dashboard.Web.Api;

public sealed record PriceInput(
    string? Provider, string? Model, decimal? InputPerMTok, decimal? OutputPerMTok, decimal? CacheReadPerMTok,
    decimal? CacheWritePerMTok, decimal? ReasoningPerMTok, string? Tier, DateTime? EffectiveFrom);

public sealed record PriceDto(
    int Id, string Provider, string Model, decimal InputPerMTok, decimal OutputPerMTok, decimal? CacheReadPerMTok,
    decimal? CacheWritePerMTok, decimal? ReasoningPerMTok, string Tier, DateTime EffectiveFrom, DateOnly? CheckedOn,
    string? Source, string Origin);

/// <summary>
/// The price added, and the re-pricing of stored spans it started: <c>repricingStatus</c> is
/// <c>done</c> when it finished while the request waited, else <c>queued</c> or <c>running</c>
/// (follow it at <c>GET /api/v1/prices/repricing/{repricingRunId}</c>). <c>spansRepriced</c> counts
/// the stored spans with usage in the range, <c>spansChanged</c> those whose cost changed so far.
/// </summary>
public sealed record PriceAdded(PriceDto Price, int RepricingRunId, string RepricingStatus, long SpansRepriced, long SpansChanged);

public sealed record RepricingRunDto(
    int Id, string Status, string RequestedBy, DateTime From, DateTime To, long SpansTotal, long SpansDone, long SpansChanged,
    DateTime? ReachedTime, string? Error, DateTime StartedAt, DateTime? FinishedAt);

public sealed record PriceImportResult(int Inserted, int Updated, int Unchanged, int Skipped, IReadOnlyList<string> Errors);

public static class PricesEndpoints
{
    /// <summary>
    /// Adding a price waits this long for its re-pricing to finish, so that small catalogues answer
    /// with the final figures; a longer run goes on in the background.
    /// </summary>
    public static readonly TimeSpan RepricingWait = TimeSpan.FromSeconds(15);

    /// <summary>Runs listed by <c>GET /prices/repricing</c>.</summary>
    public const int RecentRuns = 20;

    /// <summary>A price file larger than this is refused (LiteLLM's full file is about 1 MiB).</summary>
    public const long MaxImportBytes = 16 * 1024 * 1024;

    public static void MapPricesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/prices", async (TollgateDbContext db, CancellationToken ct) =>
            TypedResults.Ok(await db.Prices.AsNoTracking().OrderBy(p => p.Provider).ThenBy(p => p.Model).ThenByDescending(p => p.EffectiveFrom)
                .Select(p => ToDto(p)).ToListAsync(ct)));

        api.MapGet("/prices/unpriced", async (DateTime? from, DateTime? to, SpanQuery query, TimeProvider time, CancellationToken ct) =>
        {
            var now = time.GetUtcNow().UtcDateTime;
            return TypedResults.Ok(await query.UnpricedModelsAsync(from?.ToUniversalTime() ?? now.AddDays(-30), to?.ToUniversalTime() ?? now.AddDays(1), ct));
        });

        api.MapPost("/prices", AddAsync).RequireAuthorization(ApiPolicies.Admin);
        api.MapGet("/prices/repricing/{id:int}", async Task<IResult> (int id, RepricingService repricing, CancellationToken ct) =>
            await repricing.GetAsync(id, ct) is { } run
                ? TypedResults.Ok(ToDto(run))
                : TypedResults.Problem(statusCode: 404, title: "No such re-pricing run", detail: $"There is no re-pricing run {id}."));
        api.MapGet("/prices/repricing", async (RepricingService repricing, CancellationToken ct) =>
            TypedResults.Ok((await repricing.ListAsync(RecentRuns, ct)).Select(ToDto)))
            .WithSummary("The latest re-pricing runs with their progress, newest first");
        api.MapPost("/prices/repricing/{id:int}/cancel", CancelAsync).RequireAuthorization(ApiPolicies.Admin)
            .WithSummary("Stops a queued or running re-pricing run; slices already done stay re-priced");
        api.MapPost("/prices/import", ImportAsync).RequireAuthorization(ApiPolicies.Admin).DisableAntiforgery();
    }

    private static async Task<IResult> AddAsync(PriceInput input, ClaimsPrincipal user, CustomPrices prices, CancellationToken ct)
    {
        var errors = Validate(input);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The price is not valid");
        }

        Price price;
        RepricingRun run;
        try
        {
            (price, run) = await prices.AddAsync(new Price
            {
                Provider = input.Provider!,
                Model = input.Model!,
                InputPerMTok = input.InputPerMTok!.Value,
                OutputPerMTok = input.OutputPerMTok!.Value,
                CacheReadPerMTok = input.CacheReadPerMTok,
                CacheWritePerMTok = input.CacheWritePerMTok,
                ReasoningPerMTok = input.ReasoningPerMTok,
                Tier = input.Tier!,
                EffectiveFrom = input.EffectiveFrom!.Value.ToUniversalTime(),
                Origin = PriceOrigins.Custom,
            }, user.Identity?.Name ?? "unknown", RepricingWait, ct);
        }
        catch (ArgumentException ex)
        {
            return TypedResults.Problem(statusCode: 400, title: "The price is not valid", detail: ex.Message);
        }

        return TypedResults.Created($"/api/v1/prices/{price.Id}", new PriceAdded(ToDto(price), run.Id, run.Status, run.SpansTotal, run.SpansChanged));
    }

    private static async Task<IResult> CancelAsync(int id, ClaimsPrincipal user, RepricingService repricing, CancellationToken ct)
    {
        var before = await repricing.GetAsync(id, ct);
        if (before is null)
        {
            return TypedResults.Problem(statusCode: 404, title: "No such re-pricing run", detail: $"There is no re-pricing run {id}.");
        }

        if (before.Ended)
        {
            return TypedResults.Problem(statusCode: 409, title: "The run has ended",
                detail: $"Re-pricing run {id} has already ended ({before.Status}); there is nothing to cancel.");
        }

        var run = (await repricing.CancelAsync(id, user.Identity?.Name ?? "unknown", ct))!;
        return TypedResults.Ok(ToDto(run));
    }

    private static RepricingRunDto ToDto(RepricingRun run) => new(
        run.Id, run.Status, run.RequestedBy, run.FromUtc, run.ToUtc, run.SpansTotal, run.SpansDone, run.SpansChanged, run.ReachedUtc, run.Error,
        run.StartedAt, run.FinishedAt);

    private static async Task<IResult> ImportAsync(HttpRequest request, DateTime? effectiveFrom, ClaimsPrincipal user, PriceStore store,
        CurrentPrices current, TimeProvider time, CancellationToken ct)
    {
        if (request.ContentLength > MaxImportBytes)
        {
            return TypedResults.Problem(statusCode: 413, title: "Price file too large", detail: $"The limit is {MaxImportBytes / (1024 * 1024)} MiB.");
        }

        // Read whole (bounded) before parsing: the parser is synchronous and Kestrel streams are not.
        using var file = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, ct)) > 0)
        {
            if (file.Length + read > MaxImportBytes)
            {
                return TypedResults.Problem(statusCode: 413, title: "Price file too large", detail: $"The limit is {MaxImportBytes / (1024 * 1024)} MiB.");
            }

            file.Write(buffer, 0, read);
        }

        file.Position = 0;
        LiteLlmImportResult parsed;
        try
        {
            parsed = LiteLlmPriceFile.Parse(file, effectiveFrom?.ToUniversalTime() ?? time.GetUtcNow().UtcDateTime);
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or InvalidDataException)
        {
            return TypedResults.Problem(statusCode: 400, title: "Not a LiteLLM price file", detail: ex.Message);
        }

        if (parsed.Prices.Count == 0)
        {
            return TypedResults.Problem(statusCode: 400, title: "No usable prices in the file",
                detail: parsed.Errors.Count > 0 ? string.Join("; ", parsed.Errors.Take(20)) : "The file holds no chat, completion or embedding prices.");
        }

        PriceImportSummary summary;
        try
        {
            summary = await store.ImportAsync(parsed.Prices, user.Identity?.Name ?? "unknown", ct);
        }
        catch (ArgumentException ex)
        {
            // Nothing was stored: the import is all or nothing.
            return TypedResults.Problem(statusCode: 400, title: "The price file cannot be imported", detail: ex.Message);
        }

        await current.RefreshAsync(ct);
        return TypedResults.Ok(new PriceImportResult(summary.Inserted, summary.Updated, summary.Unchanged, parsed.Skipped, parsed.Errors));
    }

    private static Dictionary<string, string[]> Validate(PriceInput input)
    {
        var errors = new Dictionary<string, string[]>();
        void Require(bool ok, string field, string message)
        {
            if (!ok)
            {
                errors[field] = [message];
            }
        }

        Require(!string.IsNullOrWhiteSpace(input.Provider) && input.Provider.Length <= 100, "provider", "Give the provider, for example 'openai'.");
        Require(!string.IsNullOrWhiteSpace(input.Model) && input.Model.Length <= 256, "model", "Give the model name, for example 'gpt-4o'.");
        Require(input.InputPerMTok is >= 0 and < 100_000, "inputPerMTok", "Give the input price in USD per million tokens (0 or more).");
        Require(input.OutputPerMTok is >= 0 and < 100_000, "outputPerMTok", "Give the output price in USD per million tokens (0 or more).");
        Require(input.CacheReadPerMTok is null or (>= 0 and < 100_000), "cacheReadPerMTok", "A cache-read price is 0 or more.");
        Require(input.CacheWritePerMTok is null or (>= 0 and < 100_000), "cacheWritePerMTok", "A cache-write price is 0 or more.");
        Require(input.ReasoningPerMTok is null or (>= 0 and < 100_000), "reasoningPerMTok", "A reasoning price is 0 or more.");
        Require(PriceTiers.IsValid(input.Tier), "tier", "The tier is one of small, mid, frontier.");
        Require(input.EffectiveFrom is not null, "effectiveFrom", "Give the date the price applies from (ISO-8601, UTC).");
        return errors;
    }

    private static PriceDto ToDto(Price p) => new(p.Id, p.Provider, p.Model, p.InputPerMTok, p.OutputPerMTok, p.CacheReadPerMTok,
        p.CacheWritePerMTok, p.ReasoningPerMTok, p.Tier, p.EffectiveFrom, p.CheckedOn, p.Source, p.Origin);
}
