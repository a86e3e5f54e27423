using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Tollgate.Analytics.Jobs;
using Tollgate.Analytics.Pricing;
using Tollgate.Analytics.Spans;
using Tollgate.Analytics.Storage;
using Tollgate.Analytics.Storage.Entities;
using Tollgate.Dashboard.Web.Api;

namespace Tollgate.Dashboard.Web.Components.Pages.Admin;

/// <summary>The custom price form: USD per million tokens, from a date on.</summary>
public sealed class PriceForm
{
    [Required(ErrorMessage = "Give the provider, for example 'openai'.")]
    [StringLength(100, ErrorMessage = "A provider name is at most {1} characters.")]
    public string? Provider { get; set; } = "";

    [Required(ErrorMessage = "Give the model name, for example 'gpt-4o'.")]
    [StringLength(256, ErrorMessage = "A model name is at most {1} characters.")]
    public string? Model { get; set; } = "";

    [Required(ErrorMessage = "Give the input price in USD per million tokens.")]
    [Range(0, 99_999, ErrorMessage = "The input price is 0 or more (USD per million tokens).")]
    public decimal? InputPerMTok { get; set; }

    [Required(ErrorMessage = "Give the output price in USD per million tokens.")]
    [Range(0, 99_999, ErrorMessage = "The output price is 0 or more (USD per million tokens).")]
    public decimal? OutputPerMTok { get; set; }

    [Range(0, 99_999, ErrorMessage = "A cache-read price is 0 or more.")]
    public decimal? CacheReadPerMTok { get; set; }

    [Range(0, 99_999, ErrorMessage = "A cache-write price is 0 or more.")]
    public decimal? CacheWritePerMTok { get; set; }

    [Range(0, 99_999, ErrorMessage = "A reasoning price is 0 or more.")]
    public decimal? ReasoningPerMTok { get; set; }

    [Required(ErrorMessage = "Choose the tier.")]
    public string? Tier { get; set; } = PriceTiers.Mid;

    [Required(ErrorMessage = "Give the date the price applies from.")]
    public DateTime? EffectiveFrom { get; set; }

    /// <summary>A form for a new price of a model already priced: its figures, from <paramref name="from"/> on.</summary>
    public static PriceForm From(Price price, DateTime from)
    {
        ArgumentNullException.ThrowIfNull(price);
        return new()
        {
            Provider = price.Provider,
            Model = price.Model,
            InputPerMTok = Shortest(price.InputPerMTok),
            OutputPerMTok = Shortest(price.OutputPerMTok),
            CacheReadPerMTok = Shortest(price.CacheReadPerMTok),
            CacheWritePerMTok = Shortest(price.CacheWritePerMTok),
            ReasoningPerMTok = Shortest(price.ReasoningPerMTok),
            Tier = price.Tier,
            EffectiveFrom = from,
        };
    }

    // The database keeps six decimals: 2.000000 is shown to the admin as 2.
    private static decimal? Shortest(decimal? value) => value / 1.000000000000000000000000000000000m;
}

/// <summary>The outcome of a change: problems by form field ("" for the form as a whole), else the sentence for the snackbar.</summary>
public sealed record PriceChangeResult(IReadOnlyDictionary<string, string> Problems, string? Message = null)
{
    public bool Succeeded => Problems.Count == 0;

    public static PriceChangeResult Problem(string message) => new(new Dictionary<string, string> { [""] = message });

    public static PriceChangeResult Done(string message) => new(new Dictionary<string, string>(), message);
}

/// <summary>
/// The prices page: prices in force, the models without one, model-name patterns, re-pricing runs
/// with their progress, and the admin's changes (a custom price, a LiteLLM price file, deleting a
/// pattern, cancelling a run). Who may change them is the prices API's policy.
/// </summary>
public sealed class PricesViewModel(
    TollgateDbContext db, SpanQuery spans, PriceStore store, CurrentPrices current, RepricingService repricing, CustomPrices customPrices,
    IAuthorizationService authorization, TimeProvider time)
{
    /// <summary>The policy of the API's price writes, and so of the page's buttons.</summary>
    public const string ChangePolicy = ApiPolicies.Admin;

    /// <summary>The page lists at most this many current prices (the shipped catalogue has a few hundred).</summary>
    public const int MaxListedPrices = 2_000;

    /// <summary>Runs listed on the page.</summary>
    public const int ListedRuns = 10;

    /// <summary>A price file larger than this is refused, as by the import API.</summary>
    public const long MaxImportBytes = PricesEndpoints.MaxImportBytes;

    /// <summary>
    /// Adding a price waits this long for small re-pricing runs to end, so their figures are in the
    /// snackbar; a longer run goes on in the background while the page shows its progress.
    /// </summary>
    public static readonly TimeSpan RepricingWait = TimeSpan.FromSeconds(3);

    /// <summary>Unpriced models are looked for in this recent window.</summary>
    public static readonly TimeSpan UnpricedWindow = TimeSpan.FromDays(30);

    public IReadOnlyList<Price> Current { get; private set; } = [];
    public IReadOnlyList<UnpricedModel> Unpriced { get; private set; } = [];

    /// <summary>Model-name patterns, in the order the catalogue tries them.</summary>
    public IReadOnlyList<StoredModelPattern> Patterns { get; private set; } = [];

    /// <summary>The latest re-pricing runs, newest first, with their progress.</summary>
    public IReadOnlyList<RepricingRun> Runs { get; private set; } = [];

    /// <summary>Whether a listed run is queued or running, so that its progress is worth following.</summary>
    public bool RunsOpen => Runs.Any(r => !r.Ended);

    public DateTime TodayUtc => time.GetUtcNow().UtcDateTime.Date;

    public async Task<bool> MayChangeAsync(ClaimsPrincipal user) => (await authorization.AuthorizeAsync(user, ChangePolicy)).Succeeded;

    /// <summary>Whether the price's provider, model, tier or source holds <paramref name="search"/> (any case).</summary>
    public static bool Matches(Price price, string? search)
    {
        ArgumentNullException.ThrowIfNull(price);
        return string.IsNullOrWhiteSpace(search)
            || new[] { price.Provider, price.Model, price.Tier, SourceOf(price) }.Any(text => text.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>"custom" for an admin's price, else the host of the page it was read from (or the origin).</summary>
    public static string SourceOf(Price price)
    {
        ArgumentNullException.ThrowIfNull(price);
        return price.Origin == PriceOrigins.Custom ? "custom"
            : price.Source is { } source && Uri.TryCreate(source, UriKind.Absolute, out var url) ? url.Host
            : price.Source ?? price.Origin;
    }

    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var all = await db.Prices.AsNoTracking().Where(p => p.EffectiveFrom <= now)
            .OrderBy(p => p.Provider).ThenBy(p => p.Model).ThenByDescending(p => p.EffectiveFrom)
            .Take(MaxListedPrices * 4)
            .ToListAsync(cancellationToken);
        // The newest price of each model is the one in force; on the same date a custom price wins over an import, an import over the seed.
        Current = all.GroupBy(p => (p.Provider, p.Model))
            .Select(g => g.OrderByDescending(p => p.EffectiveFrom).ThenBy(p => OriginRank(p.Origin)).First())
            .OrderBy(p => p.Provider, StringComparer.Ordinal).ThenBy(p => TierRank(p.Tier)).ThenBy(p => p.Model, StringComparer.Ordinal)
            .Take(MaxListedPrices)
            .ToList();
        Unpriced = await spans.UnpricedModelsAsync(now - UnpricedWindow, now.AddDays(1), cancellationToken);
        Patterns = await store.ListPatternsAsync(cancellationToken);
        Runs = await repricing.ListAsync(ListedRuns, cancellationToken);
    }

    /// <summary>Reads the runs alone, to follow their progress.</summary>
    public async Task LoadRunsAsync(CancellationToken cancellationToken = default) =>
        Runs = await repricing.ListAsync(ListedRuns, cancellationToken);

    /// <summary>The form's problems by field, as its annotations state them; empty when it may be stored.</summary>
    public static Dictionary<string, string> Check(PriceForm form)
    {
        ArgumentNullException.ThrowIfNull(form);
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(form, new ValidationContext(form), results, validateAllProperties: true);
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var result in results)
        {
            problems.TryAdd(result.MemberNames.FirstOrDefault() ?? "", result.ErrorMessage ?? "This value is not valid.");
        }

        if (string.IsNullOrWhiteSpace(form.Provider))
        {
            problems.TryAdd(nameof(PriceForm.Provider), "Give the provider, for example 'openai'.");
        }

        if (string.IsNullOrWhiteSpace(form.Model))
        {
            problems.TryAdd(nameof(PriceForm.Model), "Give the model name, for example 'gpt-4o'.");
        }

        if (form.Tier is not null && !PriceTiers.IsValid(form.Tier))
        {
            problems.TryAdd(nameof(PriceForm.Tier), "The tier is one of small, mid, frontier.");
        }

        return problems;
    }

    /// <summary>Stores the custom price, makes it current and starts re-pricing stored spans from its date.</summary>
    public async Task<PriceChangeResult> AddAsync(PriceForm form, ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (!await MayChangeAsync(user))
        {
            return PriceChangeResult.Problem("Only admins may add prices.");
        }

        if (Check(form) is { Count: > 0 } problems)
        {
            return new PriceChangeResult(problems);
        }

        Price price;
        RepricingRun run;
        try
        {
            (price, run) = await customPrices.AddAsync(new Price
            {
                Provider = form.Provider!,
                Model = form.Model!,
                InputPerMTok = form.InputPerMTok!.Value,
                OutputPerMTok = form.OutputPerMTok!.Value,
                CacheReadPerMTok = form.CacheReadPerMTok,
                CacheWritePerMTok = form.CacheWritePerMTok,
                ReasoningPerMTok = form.ReasoningPerMTok,
                Tier = form.Tier!,
                // The form gives a day: the price applies from its start, in UTC.
                EffectiveFrom = DateTime.SpecifyKind(form.EffectiveFrom!.Value.Date, DateTimeKind.Utc),
                Origin = PriceOrigins.Custom,
            }, Actor(user), RepricingWait, cancellationToken);
        }
        catch (ArgumentException ex)
        {
            return PriceChangeResult.Problem(ex.Message);
        }

        var added = string.Create(CultureInfo.InvariantCulture, $"Added the price of {price.Provider}/{price.Model} from {price.EffectiveFrom:yyyy-MM-dd}; ");
        return PriceChangeResult.Done(added + (run.Status == RepricingService.Done
            ? string.Create(CultureInfo.InvariantCulture, $"{run.SpansChanged:N0} of {run.SpansTotal:N0} stored spans changed cost.")
            : string.Create(CultureInfo.InvariantCulture, $"re-pricing run {run.Id} goes on in the background and its progress shows below.")));
    }

    /// <summary>Imports a LiteLLM price file (model_prices_and_context_window.json), all or nothing, as the import API does.</summary>
    public async Task<PriceChangeResult> ImportAsync(Stream file, DateTime? effectiveFrom, ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!await MayChangeAsync(user))
        {
            return PriceChangeResult.Problem("Only admins may import prices.");
        }

        // Read whole (bounded) before parsing: the parser is synchronous and a browser's stream is not.
        using var copy = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await file.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (copy.Length + read > MaxImportBytes)
            {
                return PriceChangeResult.Problem($"The file is larger than {MaxImportBytes / (1024 * 1024)} MiB.");
            }

            copy.Write(buffer, 0, read);
        }

        copy.Position = 0;
        LiteLlmImportResult parsed;
        try
        {
            var from = effectiveFrom is { } date ? DateTime.SpecifyKind(date.Date, DateTimeKind.Utc) : time.GetUtcNow().UtcDateTime;
            parsed = LiteLlmPriceFile.Parse(copy, from);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidDataException)
        {
            return PriceChangeResult.Problem("This is not a LiteLLM price file: " + ex.Message);
        }

        if (parsed.Prices.Count == 0)
        {
            return PriceChangeResult.Problem("The file holds no usable chat, completion or embedding price"
                + (parsed.Errors.Count > 0 ? ": " + string.Join("; ", parsed.Errors.Take(5)) : "."));
        }

        PriceImportSummary summary;
        try
        {
            summary = await store.ImportAsync(parsed.Prices, Actor(user), cancellationToken);
        }
        catch (ArgumentException ex)
        {
            return PriceChangeResult.Problem("Nothing was imported: " + ex.Message);
        }

        await current.RefreshAsync(cancellationToken);
        return PriceChangeResult.Done(string.Create(CultureInfo.InvariantCulture,
            $"Imported the price file: {summary.Inserted:N0} new, {summary.Updated:N0} changed, {summary.Unchanged:N0} unchanged, {parsed.Skipped:N0} skipped. Stored spans keep their cost."));
    }

    /// <summary>Cancels a queued or running re-pricing run (admins; audited).</summary>
    public async Task<PriceChangeResult> CancelRunAsync(int runId, ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        if (!await MayChangeAsync(user))
        {
            return PriceChangeResult.Problem("Only admins may cancel re-pricing runs.");
        }

        var run = await repricing.CancelAsync(runId, Actor(user), cancellationToken);
        return run switch
        {
            null => PriceChangeResult.Problem("That re-pricing run no longer exists."),
            { Status: RepricingService.Cancelled } => PriceChangeResult.Done(string.Create(CultureInfo.InvariantCulture,
                $"Cancelled re-pricing run {run.Id}: {run.SpansDone:N0} of {run.SpansTotal:N0} spans were re-priced before it stopped, and keep their new cost.")),
            _ => PriceChangeResult.Problem($"Re-pricing run {run.Id} had already ended ({run.Status})."),
        };
    }

    /// <summary>Deletes a model pattern (admins; audited) and makes the change current.</summary>
    public async Task<PriceChangeResult> DeletePatternAsync(int id, ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        if (!await MayChangeAsync(user))
        {
            return PriceChangeResult.Problem("Only admins may delete model patterns.");
        }

        if (await store.DeletePatternAsync(id, Actor(user), cancellationToken) is not { } deleted)
        {
            return PriceChangeResult.Problem("The pattern no longer exists: it may have been deleted meanwhile.");
        }

        await current.RefreshAsync(cancellationToken);
        return PriceChangeResult.Done($"Deleted the pattern {deleted.Pattern}: names it matched arrive unpriced unless a price covers them; stored spans keep their cost.");
    }

    private static string Actor(ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";

    private static int OriginRank(string origin) => origin switch
    {
        PriceOrigins.Custom => 0,
        PriceOrigins.Import => 1,
        _ => 2,
    };

    private static int TierRank(string tier) => tier switch
    {
        PriceTiers.Frontier => 0,
        PriceTiers.Mid => 1,
        _ => 2,
    };
}
