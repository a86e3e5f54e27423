using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Tollgate.Analytics.Insights;
using Tollgate.Analytics.Metrics;
using Tollgate.Analytics.Scenarios;
using Tollgate.Analytics.Storage;

namespace Tollgate.Dashboard.Web.Components.Pages.Insights;

/// <summary>The scenario form as it travels in the query string; every field is text so that a bad value can be shown back with its message.</summary>
public sealed record ScenarioQuery(
    string? Volume = null, string? Small = null, string? Mid = null, string? Frontier = null,
    string? Cache = null, string? Model = null, string? Price = null);

/// <summary>
/// The what-if page: the form's values checked field by field, then each feature's cost and
/// margin over the last 30 days against the same under the scenario. Shares and the cache change
/// are entered in percent (points), the way people say them.
/// </summary>
public sealed class ScenariosViewModel(TollgateDbContext db, OrganisationFiguresLoader figures, TimeProvider time)
{
    public static IReadOnlyList<string> Volumes { get; } = ["1", "10", "100"];

    public bool HasSpans { get; private set; }
    public ScenarioQuery Query { get; private set; } = new();
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);
    public ScenarioResult? Result { get; private set; }

    public async Task LoadAsync(ScenarioQuery query, CancellationToken cancellationToken = default)
    {
        (Query, Result) = (query, null);
        Errors.Clear();
        HasSpans = await db.Spans.AnyAsync(cancellationToken);
        var scenario = Check(query, Errors);
        if (!HasSpans || scenario is null)
        {
            return;
        }

        var window = QueryWindow.Resolve(null, null, null, time.GetUtcNow().UtcDateTime);
        Result = ScenarioProjection.Project(await figures.LoadAsync(window, cancellationToken), scenario);
    }

    /// <summary>The scenario the form describes, or null with a message per field in <paramref name="errors"/>.</summary>
    public static Scenario? Check(ScenarioQuery q, IDictionary<string, string> errors)
    {
        var volume = Number(q.Volume, nameof(q.Volume), errors) ?? 1m;
        if (!Volumes.Contains(string.IsNullOrWhiteSpace(q.Volume) ? "1" : q.Volume.Trim()))
        {
            errors.TryAdd(nameof(q.Volume), "Choose 1, 10 or 100 times today's volume.");
        }

        var shares = new[] { (nameof(q.Small), q.Small), (nameof(q.Mid), q.Mid), (nameof(q.Frontier), q.Frontier) }
            .Select(s => (s.Item1, Value: Number(s.Item2, s.Item1, errors)))
            .ToList();
        foreach (var (field, value) in shares)
        {
            if (value is < 0 or > 100)
            {
                errors.TryAdd(field, "A share is between 0 and 100%.");
            }
        }

        var given = shares.Count(s => s.Value is not null);
        if (given is 1 or 2)
        {
            foreach (var (field, value) in shares.Where(s => s.Value is null))
            {
                errors.TryAdd(field, "Give all three tier shares, or none to keep today's mix.");
            }
        }
        else if (given == 3 && Math.Abs(shares.Sum(s => s.Value!.Value) - 100m) > 0.1m)
        {
            errors.TryAdd(nameof(q.Frontier), "The three shares must add up to 100%.");
        }

        var cache = Number(q.Cache, nameof(q.Cache), errors) ?? 0m;
        if (cache is < -100 or > 100)
        {
            errors.TryAdd(nameof(q.Cache), "The change of the cache hit rate is between -100 and 100 points.");
        }

        var price = Number(q.Price, nameof(q.Price), errors);
        var model = q.Model?.Trim();
        if (price is < 0)
        {
            errors.TryAdd(nameof(q.Price), "A price multiplier is 0 or more (1.5 = 50% dearer).");
        }

        if (!string.IsNullOrEmpty(model) && price is null && !errors.ContainsKey(nameof(q.Price)))
        {
            errors.TryAdd(nameof(q.Price), "Give the multiplier for this model's price.");
        }

        if (string.IsNullOrEmpty(model) && price is not null)
        {
            errors.TryAdd(nameof(q.Model), "Name the model whose price changes.");
        }

        if (errors.Count > 0)
        {
            return null;
        }

        var scenario = new Scenario(
            volume,
            given == 3 ? shares[0].Value / 100m : null,
            given == 3 ? shares[1].Value / 100m : null,
            given == 3 ? shares[2].Value / 100m : null,
            cache / 100m,
            string.IsNullOrEmpty(model) ? [] : [new ModelPriceChange(model, price!.Value)]);
        if (scenario.Problem() is { } problem)
        {
            errors[""] = problem;
            return null;
        }

        return scenario;
    }

    private static decimal? Number(string? text, string field, IDictionary<string, string> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (decimal.TryParse(text.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.TryAdd(field, $"'{text.Trim()}' is not a number (use a dot for decimals).");
        return null;
    }

    public static string Percent(decimal? fraction) =>
        fraction is { } f ? (f * 100m).ToString("0.#", CultureInfo.InvariantCulture) + "%" : "–";
}
