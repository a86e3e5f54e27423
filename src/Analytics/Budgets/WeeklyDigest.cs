using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;
using Tollgate.Analytics.Configuration;
using Tollgate.Analytics.Metrics;
using Tollgate.Analytics.Time;

namespace Tollgate.Analytics.Budgets;

public sealed record DigestMover(string Dimension, string Key, decimal ThisWeekUsd, decimal LastWeekUsd, decimal ChangeUsd);

public sealed record DigestAnomaly(string Dimension, string Key, DateTime Timestamp, decimal ActualUsd, decimal ExpectedUsd, double Score,
    string Kind = "cost", string? Explanation = null);

/// <summary>
/// One team's week: spend against the week before and against its weekly budget, the features and
/// models that moved most, the anomalies flagged, and what routing and caching saved (from the
/// rollups, as on the orchestration page: routing against each provider's frontier model, caching
/// as an estimate). Covers every project.
/// </summary>
public sealed record Digest(
    string Team,
    DateTime WeekStart,
    DateTime WeekEnd,
    decimal SpentUsd,
    decimal LastWeekUsd,
    decimal? ChangePercent,
    int? BudgetId,
    decimal? BudgetUsd,
    decimal? BudgetPercent,
    IReadOnlyList<DigestMover> TopMovers,
    IReadOnlyList<DigestAnomaly> Anomalies,
    string AnomaliesNote,
    decimal RoutingSavingsUsd,
    decimal CacheSavingsUsd,
    string Savings,
    string Link);

/// <summary>
/// The weekly digest per team. <see cref="RunAsync"/> is what a weekly scheduled job calls: it sends
/// last week's digest to every team that spent or has a budget. A digest goes through the team's
/// budget channels, or the configured digest channels (Tollgate:Budgets:Digest*) when the team has none.
/// </summary>
public sealed class WeeklyDigest(
    NpgsqlDataSource dataSource, SpendTracker tracker, AlertSender sender, OrchestrationQuery orchestration, BudgetOptions options, TimeProvider time, ILogger<WeeklyDigest> logger)
{
    /// <summary>Movers listed per digest: a short list people read.</summary>
    public const int MaxMovers = 5;

    /// <summary>Anomalies listed per digest, highest score first.</summary>
    public const int MaxAnomalies = 10;

    /// <summary>Teams sent a digest per run; far above any organisation's team count.</summary>
    public const int MaxTeams = 1_000;

    private const string Cost = "coalesce(provided_cost_usd, computed_cost_usd)";

    public async Task<Digest> BuildAsync(string team, DateTime weekStart, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(team);
        var start = IsoWeek.Start(weekStart);
        var end = start.AddDays(7);
        var previous = start.AddDays(-7);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);

        decimal spent = 0m, lastWeek = 0m;
        var movers = new List<DigestMover>();
        await using (var command = new NpgsqlCommand($"""
            SELECT CASE WHEN GROUPING(feature) = 0 THEN 'feature' WHEN GROUPING(model) = 0 THEN 'model' ELSE 'total' END, coalesce(feature, model),
                   coalesce(sum({Cost}) FILTER (WHERE start_time >= $2), 0), coalesce(sum({Cost}) FILTER (WHERE start_time < $2), 0)
            FROM spans
            WHERE team = $1 AND billing AND start_time >= $3 AND start_time < $4
            GROUP BY GROUPING SETS ((feature), (model), ())
            """, connection))
        {
            command.Parameters.Add(new() { Value = team });
            command.Parameters.Add(new() { Value = start });
            command.Parameters.Add(new() { Value = previous });
            command.Parameters.Add(new() { Value = end });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var (now, before) = (BudgetStore.Trim(reader.GetDecimal(2)), BudgetStore.Trim(reader.GetDecimal(3)));
                if (reader.GetString(0) == "total")
                {
                    (spent, lastWeek) = (now, before);
                    continue;
                }

                if (reader.IsDBNull(1))
                {
                    // Spans without a feature or a model are in the total but are not movers.
                    continue;
                }

                movers.Add(new DigestMover(reader.GetString(0), reader.GetString(1), now, before, now - before));
            }
        }

        var budget = tracker.Budgets.All.FirstOrDefault(b => b.Scope == BudgetScopes.Team && b.ScopeKey == team && b.Period == BudgetPeriods.Weekly);
        var (anomalies, anomaliesNote) = await AnomaliesAsync(connection, team, start, end, movers.Where(m => m.Dimension == "feature").Select(m => m.Key).ToArray(), cancellationToken);
        var savings = await orchestration.GetSavingsAsync(QueryWindow.Create(start, end), projectId: null, team, cancellationToken);
        var (routingSavings, cacheSavings) = (BudgetStore.Trim(Math.Round(savings.Routing.SavingsUsd, 6)), BudgetStore.Trim(Math.Round(savings.EstimatedCacheSavingsUsd, 6)));
        return new Digest(team, start, end, spent, lastWeek,
            lastWeek == 0m ? null : Math.Round((spent - lastWeek) / lastWeek * 100m, 2),
            budget?.Id, budget?.AmountUsd, budget is null ? null : Math.Round(spent / budget.AmountUsd * 100m, 2),
            movers.Where(m => m.ChangeUsd != 0m).OrderByDescending(m => Math.Abs(m.ChangeUsd)).ThenBy(m => m.Key, StringComparer.Ordinal).Take(MaxMovers).ToList(),
            anomalies, anomaliesNote,
            routingSavings, cacheSavings, SavingsText(routingSavings, savings.Routing.ActualCostUsd, cacheSavings, savings.CacheHitRequests),
            $"{options.PublicUrl.TrimEnd('/')}/?team={Uri.EscapeDataString(team)}");
    }

    /// <summary>Sends the digest through the team's budget channels, or the configured digest channels.</summary>
    /// <returns>One outcome per channel; empty when no channel is configured for the team.</returns>
    public async Task<IReadOnlyList<DeliveryOutcome>> SendAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        var channels = tracker.Budgets.All
            .Where(b => b.Scope == BudgetScopes.Team && b.ScopeKey == digest.Team)
            .SelectMany(AlertChannels.Of)
            .Distinct()
            .ToList();
        if (channels.Count == 0)
        {
            channels = DigestChannels().ToList();
        }

        var message = Message(digest);
        var outcomes = new List<DeliveryOutcome>();
        foreach (var (channel, target) in channels)
        {
            outcomes.Add(await sender.SendAsync(channel, target, message, cancellationToken));
        }

        return outcomes;
    }

    /// <summary>Sends last week's digest to every team that spent last week or has a budget.</summary>
    /// <returns>The number of teams whose digest reached at least one channel.</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        var weekStart = IsoWeek.Start(time.GetUtcNow().UtcDateTime).AddDays(-7);
        var teams = new SortedSet<string>(StringComparer.Ordinal);
        await using (var command = dataSource.CreateCommand($"SELECT DISTINCT team FROM spans WHERE team IS NOT NULL AND billing AND start_time >= $1 AND start_time < $2 LIMIT {MaxTeams}"))
        {
            command.Parameters.Add(new() { Value = weekStart });
            command.Parameters.Add(new() { Value = weekStart.AddDays(7) });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                teams.Add(reader.GetString(0));
            }
        }

        foreach (var budget in tracker.Budgets.All.Where(b => b.Scope == BudgetScopes.Team))
        {
            teams.Add(budget.ScopeKey!);
        }

        var sent = 0;
        foreach (var team in teams.Take(MaxTeams))
        {
            var outcomes = await SendAsync(await BuildAsync(team, weekStart, cancellationToken), cancellationToken);
            if (outcomes.Any(o => o.Succeeded))
            {
                sent++;
            }
            else if (outcomes.Count > 0)
            {
                logger.LogWarning("Weekly digest of team {Team} reached no channel: {Errors}", team, string.Join("; ", outcomes.Select(o => o.Error)));
            }
        }

        return sent;
    }

    public static OutgoingMessage Message(Digest digest)
    {
        var subject = $"Tollgate weekly digest for team {digest.Team}, week of {digest.WeekStart:yyyy-MM-dd}";
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{subject}\n");
        text.Append(CultureInfo.InvariantCulture, $"Spent {AlertMessage.Usd(digest.SpentUsd)} against {AlertMessage.Usd(digest.LastWeekUsd)} the week before");
        text.Append(digest.ChangePercent is { } change ? string.Create(CultureInfo.InvariantCulture, $" ({change:+0.##;-0.##;0}%).\n") : ".\n");
        text.Append(digest.BudgetUsd is { } amount
            ? string.Create(CultureInfo.InvariantCulture, $"Weekly budget {AlertMessage.Usd(amount)}: {digest.BudgetPercent:0.##}% used.\n")
            : "No weekly budget for this team.\n");
        if (digest.TopMovers.Count > 0)
        {
            text.Append("Largest changes: ");
            text.AppendJoin("; ", digest.TopMovers.Select(m => string.Create(CultureInfo.InvariantCulture,
                $"{m.Dimension} {m.Key} {(m.ChangeUsd >= 0 ? "+" : "-")}{AlertMessage.Usd(Math.Abs(m.ChangeUsd))} ({AlertMessage.Usd(m.LastWeekUsd)} to {AlertMessage.Usd(m.ThisWeekUsd)})")));
            text.Append(".\n");
        }

        text.Append(digest.Anomalies.Count > 0
            ? $"Anomalies: {string.Join("; ", digest.Anomalies.Select(a => string.Create(CultureInfo.InvariantCulture, $"{(a.Kind == "mix" ? "mix shift of " : "")}{a.Dimension} {a.Key} at {a.Timestamp:yyyy-MM-dd HH:mm} ({AlertMessage.Usd(a.ActualUsd)} against {AlertMessage.Usd(a.ExpectedUsd)} expected)")))}.\n"
            : $"{digest.AnomaliesNote}\n");
        text.Append(CultureInfo.InvariantCulture, $"{digest.Savings}\n{digest.Link}");
        return new OutgoingMessage(subject, text.ToString(), digest);
    }

    private static string SavingsText(decimal routing, decimal routedCost, decimal cache, long cacheHits)
    {
        var text = routedCost == 0m && routing == 0m
            ? "Routing: no routed requests this week."
            : string.Create(CultureInfo.InvariantCulture, $"Routing saved {AlertMessage.Usd(routing)} against sending the calls of routed requests to each provider's frontier model.");
        return text + (cacheHits == 0
            ? " Caching: no cache hits this week."
            : string.Create(CultureInfo.InvariantCulture, $" Caching saved about {AlertMessage.Usd(cache)} over {cacheHits:N0} cache-hit {(cacheHits == 1 ? "request" : "requests")}."));
    }

    private IEnumerable<(string Channel, string Target)> DigestChannels()
    {
        if (options.DigestWebhookUrl is { Length: > 0 } webhook)
        {
            yield return (AlertChannels.Webhook, webhook);
        }

        if (options.DigestSlackWebhookUrl is { Length: > 0 } slack)
        {
            yield return (AlertChannels.Slack, slack);
        }

        foreach (var recipient in options.DigestEmailRecipients)
        {
            yield return (AlertChannels.Email, recipient);
        }
    }

    private static async Task<(IReadOnlyList<DigestAnomaly>, string)> AnomaliesAsync(
        NpgsqlConnection connection, string team, DateTime start, DateTime end, string[] features, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT dimension, key, hour, actual_usd, expected_usd, score, kind, explanation FROM anomalies
            WHERE hour >= $1 AND hour < $2 AND cleared_at IS NULL
              AND ((dimension = 'team' AND key = $3) OR (dimension = 'feature' AND key = ANY($4)))
            ORDER BY score DESC, hour LIMIT {MaxAnomalies}
            """, connection);
        command.Parameters.Add(new() { Value = start });
        command.Parameters.Add(new() { Value = end });
        command.Parameters.Add(new() { Value = team });
        command.Parameters.Add(new() { Value = features });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<DigestAnomaly>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new DigestAnomaly(reader.GetString(0), reader.GetString(1), reader.GetDateTime(2),
                Math.Round((decimal)reader.GetDouble(3), 6), Math.Round((decimal)reader.GetDouble(4), 6), reader.GetDouble(5),
                reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        return (rows, rows.Count == 0 ? "No anomalies flagged this week." : "");
    }
}
