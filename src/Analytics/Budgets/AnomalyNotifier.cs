using System.Globalization;
using System.Text.Json;
using Npgsql;
using Tollgate.Analytics.Configuration;

namespace Tollgate.Analytics.Budgets;

/// <summary>
/// The JSON body a generic webhook receives for a cost anomaly. Fields: <c>kind</c> ("anomaly"),
/// <c>project</c>, <c>dimension</c> (total or team), <c>key</c>, <c>hour</c> (start, UTC),
/// <c>actualUsd</c>, <c>expectedUsd</c>, <c>upperUsd</c> (the top of the expected band),
/// <c>score</c> (0..1), <c>contributors</c> (for the total: the teams, features, models and
/// customers that explain the excess), <c>link</c>, <c>anomalyKind</c> ("cost", or "mix" when
/// the key's share of the project's spend moved), <c>detector</c> (which detector flagged it) and
/// <c>explanation</c> (why, in words).
/// </summary>
public sealed record AnomalyAlertBody(
    string Kind, string Project, string Dimension, string Key, DateTime Hour, double ActualUsd, double ExpectedUsd, double UpperUsd, double Score,
    JsonElement? Contributors, string Link, string AnomalyKind = "cost", string Detector = "forecast", string? Explanation = null);

/// <summary>
/// Announces new cost anomalies through the channels of the budgets that cover them: the
/// project's total anomalies through its total budgets, a team's through that team's budgets.
/// A mix anomaly is about the project's spend as a whole, so it goes through the total budgets
/// (and, when a team's share moved, that team's budgets too).
/// Deliveries are queued in alert_deliveries (retried and logged like budget alerts), and each
/// anomaly is announced at most once, however often the scan finds it again.
/// </summary>
public sealed class AnomalyNotifier(NpgsqlDataSource dataSource, SpendTracker tracker, AlertDeliverer deliverer, BudgetOptions options)
{
    /// <summary>Older anomalies are history, not news: a first scan over backfilled data announces nothing from days ago.</summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromHours(48);

    /// <summary>Anomalies announced per call; the rest wait for the next scan.</summary>
    public const int BatchSize = 200;

    /// <returns>The number of deliveries queued.</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var anomalies = new List<(long Id, int ProjectId, AnomalyAlertBody Body)>();
        await using (var select = new NpgsqlCommand($"""
            SELECT a.id, a.project_id, p.name, a.dimension, a.key, a.hour, a.actual_usd, a.expected_usd, a.upper_usd, a.score, a.contributors::text,
                   a.kind, a.detector, a.explanation
            FROM anomalies a JOIN projects p ON p.id = a.project_id
            WHERE a.notified_at IS NULL AND (a.dimension IN ('total', 'team') OR a.kind = 'mix') AND a.hour >= now() - $1
            ORDER BY a.hour
            LIMIT {BatchSize}
            FOR UPDATE OF a SKIP LOCKED
            """, connection, transaction))
        {
            select.Parameters.Add(new() { Value = Freshness });
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var contributors = reader.IsDBNull(10) ? (JsonElement?)null : JsonDocument.Parse(reader.GetString(10)).RootElement.Clone();
                var link = $"{options.PublicUrl.TrimEnd('/')}/";
                anomalies.Add((reader.GetInt64(0), reader.GetInt32(1), new AnomalyAlertBody("anomaly", reader.GetString(2), reader.GetString(3),
                    reader.GetString(4), reader.GetDateTime(5), reader.GetDouble(6), reader.GetDouble(7), reader.GetDouble(8), reader.GetDouble(9),
                    contributors, link, reader.GetString(11), reader.GetString(12), reader.IsDBNull(13) ? null : reader.GetString(13))));
            }
        }

        if (anomalies.Count == 0)
        {
            return 0;
        }

        var queued = 0;
        foreach (var (id, projectId, body) in anomalies)
        {
            var message = JsonSerializer.Serialize(Message(body), JsonSerializerOptions.Web);
            foreach (var (channel, target) in Channels(projectId, body.AnomalyKind, body.Dimension, body.Key))
            {
                await using var insert = new NpgsqlCommand(
                    "INSERT INTO alert_deliveries (anomaly_id, channel, target, message) VALUES ($1, $2, $3, $4::jsonb)", connection, transaction);
                insert.Parameters.Add(new() { Value = id });
                insert.Parameters.Add(new() { Value = channel });
                insert.Parameters.Add(new() { Value = target });
                insert.Parameters.Add(new() { Value = message });
                queued += await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await using (var mark = new NpgsqlCommand("UPDATE anomalies SET notified_at = now() WHERE id = ANY($1)", connection, transaction))
        {
            mark.Parameters.Add(new() { Value = anomalies.Select(a => a.Id).ToArray() });
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (queued > 0)
        {
            deliverer.Wake();
        }

        return queued;
    }

    /// <summary>The words of an anomaly alert: what spiked, by how much against what was expected, and what explains it.</summary>
    public static OutgoingMessage Message(AnomalyAlertBody body)
    {
        if (body.AnomalyKind == "mix")
        {
            var mixSubject = string.Create(CultureInfo.InvariantCulture,
                $"Spend mix anomaly: {body.Dimension} '{body.Key}' in project '{body.Project}' took ${body.ActualUsd:0.00} in the hour from {body.Hour:yyyy-MM-dd HH:mm} UTC (expected ${body.ExpectedUsd:0.00} of that hour's spend)");
            var mixText = mixSubject + ". " + (body.Explanation ?? "") + " Look at the traces of that hour to see which requests moved.";
            return new OutgoingMessage(mixSubject, mixText, body);
        }
        var who = body.Dimension == "total" ? $"Project '{body.Project}'" : $"Team '{body.Key}' ({body.Project})";
        var subject = string.Create(CultureInfo.InvariantCulture,
            $"Cost anomaly: {who} spent ${body.ActualUsd:0.00} in the hour from {body.Hour:yyyy-MM-dd HH:mm} UTC (expected ${body.ExpectedUsd:0.00})");
        var text = subject + string.Create(CultureInfo.InvariantCulture, $"; the usual range tops out at ${body.UpperUsd:0.00}.");
        if (body.Contributors is { ValueKind: JsonValueKind.Array } contributors && contributors.GetArrayLength() > 0)
        {
            var parts = contributors.EnumerateArray().Take(5).Select(c => string.Create(CultureInfo.InvariantCulture,
                $"{c.GetProperty("dimension").GetString()} {c.GetProperty("key").GetString()} +${c.GetProperty("excess").GetDouble():0.00}"));
            text += " Explained by: " + string.Join(", ", parts) + ".";
        }

        if (body.Explanation is not null)
        {
            text += " " + body.Explanation;
        }
        text += " Look at the traces of that hour to see which requests grew.";
        return new OutgoingMessage(subject, text, body);
    }

    private IEnumerable<(string Channel, string Target)> Channels(int projectId, string kind, string dimension, string key) =>
        tracker.Budgets.All
            .Where(b => b.ProjectId == projectId
                && (((dimension == "total" || kind == "mix") && b.Scope == BudgetScopes.Total) || (dimension == "team" && b.Scope == BudgetScopes.Team && b.ScopeKey == key)))
            .SelectMany(AlertChannels.Of)
            .Distinct();
}
