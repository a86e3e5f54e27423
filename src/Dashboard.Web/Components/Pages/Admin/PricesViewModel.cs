using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Tollgate.Analytics.Jobs;
using Tollgate.Analytics.Pricing;
using Tollgate.Analytics.Spans;
using Tollgate.Analytics.Storage;
using Tollgate.Analytics.Storage.Entities;
using Tollgate.Dashboard.Web.Accounts;

namespace Tollgate.Dashboard.Web.Components.Pages.Admin;

/// <summary>The custom price form: USD per million tokens, from a date on.</summary>
public sealed class PriceForm
{
    [Required(ErrorMessage = "Give the provider, for example 'openai'.")]
    [StringLength(100)]
    public string Provider { get; set; } = "";

    [Required(ErrorMessage = "Give the model name, for example 'gpt-4o'.")]
    [StringLength(256)]
    public string Model { get; set; } = "";

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

    [Required(ErrorMessage = "Choose the tier.")]
    public string Tier { get; set; } = PriceTiers.Mid;

    [Required(ErrorMessage = "Give the date the price applies from.")]
    public DateTime? EffectiveFrom { get; set; }
}

/// <summary>The delete form of one pattern's row.</summary>
/// <summary>The run id a cancel button posts.</summary>
public sealed class RunIdInput
{
    public int Id { get; set; }
}

public sealed class PatternIdInput
{
    public int Id { get; set; }
}

/// <summary>The price catalogue page: current prices, the models without one, model-name patterns, and the custom price form.</summary>
public sealed class PricesViewModel(TollgateDbContext db, SpanQuery spans, PriceStore store, CurrentPrices current, RepricingService repricing, RepricingJobs repricingJobs, TimeProvider time)
{
    /// <summary>The page lists at most this many current prices (the shipped catalogue has a few hundred).</summary>
    public const int MaxListedPrices = 2_000;

    /// <summary>Unpriced models are looked for in this recent window.</summary>
    public static readonly TimeSpan UnpricedWindow = TimeSpan.FromDays(30);

    public IReadOnlyList<Price> Current { get; private set; } = [];
    public IReadOnlyList<UnpricedModel> Unpriced { get; private set; } = [];

    /// <summary>Model-name patterns, in the order the catalogue tries them.</summary>
    public IReadOnlyList<StoredModelPattern> Patterns { get; private set; } = [];

    /// <summary>The latest re-pricing runs, newest first, with their progress.</summary>
    public IReadOnlyList<RepricingRun> Runs { get; private set; } = [];

    /// <summary>Runs listed on the page.</summary>
    public const int ListedRuns = 10;

    public static bool MayAddPrices(ClaimsPrincipal user) => user.IsInRole(Roles.Admin);

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

    /// <summary>Cancels a queued or running re-pricing run (admins; audited).</summary>
    /// <returns>What happened, in a sentence for the page.</returns>
    public async Task<string> CancelRunAsync(int runId, ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        if (!MayAddPrices(user))
        {
            throw new UnauthorizedAccessException("Only admins may cancel re-pricing runs.");
        }

        var run = await repricing.CancelAsync(runId, user.Identity?.Name ?? "unknown", cancellationToken);
        return run switch
        {
            null => "That re-pricing run no longer exists.",
            { Status: RepricingService.Cancelled } => string.Create(CultureInfo.InvariantCulture,
                $"Cancelled re-pricing run {run.Id}: {run.SpansDone:N0} of {run.SpansTotal:N0} spans were re-priced before it stopped, and keep their new cost."),
            _ => $"Re-pricing run {run.Id} had already ended ({run.Status}).",
        };
    }

    /// <summary>Deletes a model pattern (admins; audited) and makes the change current.</summary>
    /// <returns>What happened, in a sentence for the page.</returns>
    public async Task<string> DeletePatternAsync(int id, ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        if (!MayAddPrices(user))
        {
            throw new UnauthorizedAccessException("Only admins may delete model patterns.");
        }

        if (await store.DeletePatternAsync(id, user.Identity?.Name ?? "unknown", cancellationToken) is not { } deleted)
        {
            return "The pattern no longer exists: it may have been deleted meanwhile.";
        }

        await current.RefreshAsync(cancellationToken);
        return $"Deleted the pattern {deleted.Pattern}: names it matched arrive unpriced unless a price covers them; stored spans keep their cost.";
    }

    /// <summary>Stores the custom price, makes it current and re-prices stored spans from its date.</summary>
    /// <returns>What happened, in a sentence for the page.</returns>
    public async Task<string> AddAsync(PriceForm form, ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (!MayAddPrices(user))
        {
            throw new UnauthorizedAccessException("Only admins may add prices.");
        }

        var actor = user.Identity?.Name ?? "unknown";
        var price = await store.AddAsync(new Price
        {
            Provider = form.Provider.Trim().ToLowerInvariant(),
            Model = form.Model.Trim(),
            InputPerMTok = form.InputPerMTok!.Value,
            OutputPerMTok = form.OutputPerMTok!.Value,
            CacheReadPerMTok = form.CacheReadPerMTok,
            CacheWritePerMTok = form.CacheWritePerMTok,
            Tier = form.Tier,
            EffectiveFrom = DateTime.SpecifyKind(form.EffectiveFrom!.Value.Date, DateTimeKind.Utc),
            Origin = PriceOrigins.Custom,
        }, actor, cancellationToken);
        await current.RefreshAsync(cancellationToken);
        // Same horizon and the same worker as the REST API: spans stamped up to two days ahead are re-priced too.
        var runId = await repricingJobs.QueueAsync(price.EffectiveFrom, time.GetUtcNow().UtcDateTime.AddDays(2), actor, CancellationToken.None);
        var run = (await repricing.WaitAsync(runId, Api.PricesEndpoints.RepricingWait, cancellationToken))!;
        var added = string.Create(CultureInfo.InvariantCulture, $"Added the price of {price.Provider}/{price.Model} from {price.EffectiveFrom:yyyy-MM-dd}; ");
        return added + (run.Status == RepricingService.Done
            ? string.Create(CultureInfo.InvariantCulture, $"{run.SpansChanged:N0} of {run.SpansTotal:N0} stored spans changed cost.")
            : string.Create(CultureInfo.InvariantCulture, $"re-pricing its {run.SpansTotal:N0} stored spans goes on in the background (run {run.Id}, {run.SpansDone:N0} done so far)."));
    }

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
