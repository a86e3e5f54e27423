using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Tollgate.Analytics.Rollups;
using Tollgate.Analytics.Time;

namespace Tollgate.Analytics.Anomalies;

/// <summary>What one scan did.</summary>
public sealed record AnomalyScanResult(int Series, int Anomalies);

/// <summary>
/// The hourly cost anomaly scan: reads five weeks of hourly cost, runs the detector over every
/// series and the mix detector over every project, and stores the anomalies of the last day. Scanning again stores the same rows again
/// (updated in place), so a scheduler may call it as often as it likes. An anomaly of the last day that a scan no longer
/// finds (a late span or a re-pricing took its hour back into its band) leaves the lists: deleted if it was never
/// announced, else kept for the alert that went out and marked cleared.
/// </summary>
public sealed class AnomalyScanner(HourlyCostReader reader, NpgsqlDataSource dataSource)
{
    /// <summary>History the detector learns from: five weeks hold four full weekly cycles and a probation week.</summary>
    public static readonly TimeSpan History = TimeSpan.FromDays(35);

    /// <summary>Hours whose anomalies are stored: a scan every hour needs one, a day covers missed runs.</summary>
    public static readonly TimeSpan ReportWindow = TimeSpan.FromHours(24);

    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Scans every project's hours before <paramref name="now"/> (rounded down to the hour), unless the last
    /// scan made this way covered the same hours and no span among them has been written since: it would
    /// store the same anomalies again. Anything that changes a stored span's figures (a late span,
    /// re-pricing, re-attribution) moves its ingested_at, which is what this looks at; spans of the hour
    /// under way are not judged yet, so they start no scan.
    /// </summary>
    /// <returns>What the scan did, or null when it was skipped.</returns>
    public async Task<AnomalyScanResult?> ScanIfChangedAsync(DateTime now, CancellationToken cancellationToken)
    {
        var until = UtcHour.Floor(now);
        await using var state = dataSource.CreateCommand("""
            SELECT now(), (SELECT s.until_hour = $1 AND NOT EXISTS (
                               SELECT 1 FROM spans WHERE ingested_at >= s.began_at - $2 AND start_time >= $3 AND start_time < $1)
                           FROM anomaly_scan_state s)
            """);
        state.Parameters.Add(new() { Value = until, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        state.Parameters.Add(new() { Value = IngestWatermark.Overlap });
        state.Parameters.Add(new() { Value = until - History, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        DateTime began;
        await using (var reader = await state.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            began = reader.GetDateTime(0);
            if (!reader.IsDBNull(1) && reader.GetBoolean(1))
            {
                return null;
            }
        }

        var result = await ScanAsync(projectId: null, until, cancellationToken);
        // Recorded only once the scan has stored what it found: a scan that fails is not skipped next time.
        await using var record = dataSource.CreateCommand("""
            INSERT INTO anomaly_scan_state (until_hour, began_at) VALUES ($1, $2)
            ON CONFLICT (singleton) DO UPDATE SET until_hour = EXCLUDED.until_hour, began_at = EXCLUDED.began_at
            """);
        record.Parameters.Add(new() { Value = until, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        record.Parameters.Add(new() { Value = began, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await record.ExecuteNonQueryAsync(cancellationToken);
        return result;
    }

    /// <summary>Scans the hours before <paramref name="untilHour"/> (rounded down to the hour) of one project, or of all.</summary>
    public async Task<AnomalyScanResult> ScanAsync(int? projectId, DateTime untilHour, CancellationToken cancellationToken)
    {
        var until = UtcHour.Floor(untilHour);
        var from = until - History;
        var costs = await reader.ReadAsync(projectId, from, until, cancellationToken);
        var cost = CostAnomalyFinder.Find(costs, from, until, until - ReportWindow);
        // When the project's total is itself anomalous, its contributors already say which keys
        // moved: a mix anomaly in the same hour would announce one incident twice.
        var totals = cost.Where(a => a.Dimension == AnomalyDimensions.Total).Select(a => (a.ProjectId, a.Hour)).ToHashSet();
        var anomalies = cost
            .Concat(MixAnomalyFinder.Find(costs, from, until, until - ReportWindow).Where(a => !totals.Contains((a.ProjectId, a.Hour))))
            .ToList();
        await StoreAsync(anomalies, projectId, until - ReportWindow, until, cancellationToken);
        var series = costs.Select(c => (c.ProjectId, c.Dimension, c.Key)).Distinct().Count();
        return new AnomalyScanResult(series, anomalies.Count);
    }

    /// <summary>
    /// Stores what a scan of [<paramref name="from"/>, <paramref name="until"/>) found and, in the same transaction,
    /// takes out of the lists the anomalies of those hours it did not find again.
    /// </summary>
    private async Task StoreAsync(List<CostAnomaly> anomalies, int? projectId, DateTime from, DateTime until, CancellationToken cancellationToken)
    {
        // Each anomaly's key, sent with the upsert and again with the clear.
        var projectIds = anomalies.Select(a => a.ProjectId).ToArray();
        var kinds = anomalies.Select(a => a.Kind).ToArray();
        var dimensions = anomalies.Select(a => a.Dimension).ToArray();
        var keys = anomalies.Select(a => a.Key).ToArray();
        var hours = anomalies.Select(a => a.Hour).ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (anomalies.Count > 0)
        {
            await using var upsert = new NpgsqlCommand("""
                INSERT INTO anomalies (project_id, dimension, key, hour, actual_usd, expected_usd, lower_usd, upper_usd, score, contributors, kind, detector, explanation)
                SELECT * FROM unnest($1::integer[], $2::text[], $3::text[], $4::timestamptz[], $5::double precision[],
                                     $6::double precision[], $7::double precision[], $8::double precision[], $9::double precision[], $10::jsonb[],
                                     $11::text[], $12::text[], $13::text[])
                ON CONFLICT (project_id, kind, dimension, key, hour) DO UPDATE SET
                    actual_usd = EXCLUDED.actual_usd, expected_usd = EXCLUDED.expected_usd, lower_usd = EXCLUDED.lower_usd,
                    upper_usd = EXCLUDED.upper_usd, score = EXCLUDED.score, contributors = EXCLUDED.contributors,
                    detector = EXCLUDED.detector, explanation = EXCLUDED.explanation, cleared_at = NULL
                """, connection, transaction);
            upsert.Parameters.Add(new() { Value = projectIds });
            upsert.Parameters.Add(new() { Value = dimensions });
            upsert.Parameters.Add(new() { Value = keys });
            upsert.Parameters.Add(new() { Value = hours, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
            upsert.Parameters.Add(new() { Value = anomalies.Select(a => a.ActualUsd).ToArray() });
            upsert.Parameters.Add(new() { Value = anomalies.Select(a => a.ExpectedUsd).ToArray() });
            upsert.Parameters.Add(new() { Value = anomalies.Select(a => a.LowerUsd).ToArray() });
            upsert.Parameters.Add(new() { Value = anomalies.Select(a => a.UpperUsd).ToArray() });
            upsert.Parameters.Add(new() { Value = anomalies.Select(a => a.Score).ToArray() });
            upsert.Parameters.Add(new()
            {
                Value = anomalies.Select(a => a.Contributors is null ? null : JsonSerializer.Serialize(a.Contributors, _json)).ToArray(),
                NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
            });
            upsert.Parameters.Add(new() { Value = kinds });
            upsert.Parameters.Add(new() { Value = anomalies.Select(a => a.Detector).ToArray() });
            upsert.Parameters.Add(new() { Value = anomalies.Select(a => a.Explanation).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        // The rows of these hours that this scan did not write were not found again. Announced or not is
        // checked on the row itself: an announcement committed meanwhile makes the row one to keep.
        await using var clear = new NpgsqlCommand("""
            WITH gone AS (
                SELECT a.id FROM anomalies a
                WHERE a.hour >= $1 AND a.hour < $2 AND ($3::integer IS NULL OR a.project_id = $3) AND a.cleared_at IS NULL
                  AND NOT EXISTS (SELECT 1 FROM unnest($4::integer[], $5::text[], $6::text[], $7::text[], $8::timestamptz[]) AS f(project_id, kind, dimension, key, hour)
                                  WHERE f.project_id = a.project_id AND f.kind = a.kind AND f.dimension = a.dimension AND f.key = a.key AND f.hour = a.hour)
            ),
            deleted AS (
                DELETE FROM anomalies a USING gone WHERE a.id = gone.id AND a.notified_at IS NULL
            )
            UPDATE anomalies a SET cleared_at = now() FROM gone WHERE a.id = gone.id AND a.notified_at IS NOT NULL
            """, connection, transaction);
        clear.Parameters.Add(new() { Value = from, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        clear.Parameters.Add(new() { Value = until, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        clear.Parameters.Add(new() { Value = projectId.HasValue ? projectId.Value : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        clear.Parameters.Add(new() { Value = projectIds });
        clear.Parameters.Add(new() { Value = kinds });
        clear.Parameters.Add(new() { Value = dimensions });
        clear.Parameters.Add(new() { Value = keys });
        clear.Parameters.Add(new() { Value = hours, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        await clear.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
