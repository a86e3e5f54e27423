using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Tollgate.OrchestratedApp.Demo;

namespace Tollgate.OrchestratedApp.Revenue;

/// <summary>
/// Reports each feature's revenue per day to Tollgate's revenue API, as a billing system would,
/// so feature P&amp;L has both sides. Amounts follow each feature's share of traffic, with
/// day-to-day noise from the demo's seed; "digest" earns little on purpose (a loss-making feature).
/// </summary>
public sealed class RevenueReporter(Uri api, string apiKey)
{
    /// <summary>Revenue of a day for a feature of weight 1.</summary>
    public const decimal DailyRevenuePerWeight = 4m;

    public static IReadOnlyList<object> Lines(DateTime lastDayUtc, int days, int seed)
    {
        var random = new Random(seed);
        var lines = new List<object>();
        for (var day = days; day >= 1; day--)
        {
            var start = lastDayUtc.Date.AddDays(-day);
            foreach (var feature in Catalog.Features)
            {
                var perWeight = feature.Feature == "digest" ? DailyRevenuePerWeight / 20 : DailyRevenuePerWeight;
                var noise = 0.8m + ((decimal)random.NextDouble() * 0.4m);
                lines.Add(new
                {
                    feature = feature.Feature,
                    periodStart = start.ToString("O", CultureInfo.InvariantCulture),
                    periodEnd = start.AddDays(1).ToString("O", CultureInfo.InvariantCulture),
                    amountUsd = Math.Round(feature.Weight * perWeight * noise, 2),
                });
            }
        }

        return lines;
    }

    /// <summary>Posts the lines in one all-or-nothing request; returns how many were sent.</summary>
    public async Task<int> ReportAsync(DateTime lastDayUtc, int days, int seed, CancellationToken cancellationToken)
    {
        var lines = Lines(lastDayUtc, days, seed);
        using var client = new HttpClient { BaseAddress = api };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        using var response = await client.PostAsJsonAsync("api/v1/revenue", lines, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"the revenue API answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        return lines.Count;
    }
}
