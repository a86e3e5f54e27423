using Microsoft.Extensions.Logging;
using Npgsql;
using Tollgate.Analytics.Audit;

namespace Tollgate.Analytics.Pricing;

/// <summary>Where a re-pricing run is: spans re-priced so far, and the start time reached.</summary>
public sealed record RepricingProgress(int RunId, long SpansTotal, long SpansDone, DateTime ReachedUtc);

/// <summary>A finished run: spans with usage looked at, and how many of them got a different cost.</summary>
public sealed record RepricingResult(int RunId, long SpansTotal, long SpansChanged);

/// <summary>
/// Recomputes the cost columns of stored spans with usage with the current catalogue, for example
/// after an admin added a price. Works through the range one time slice per transaction, so a
/// long run never holds one huge transaction and its progress is visible in repricing_runs.
/// </summary>
public sealed class RepricingService(NpgsqlDataSource dataSource, PriceStore prices, ILogger<RepricingService> logger)
{
    // Slices shorter than this are not split further, however many spans they hold.
    private static readonly TimeSpan MinSliceLength = TimeSpan.FromSeconds(1);

    /// <summary>The first slice tried; a day is one transaction at typical volumes.</summary>
    internal TimeSpan SliceLength { get; init; } = TimeSpan.FromDays(1);

    /// <summary>
    /// A slice with more spans than this is halved until it fits: the spans of one slice
    /// are held in memory (about 200 bytes each) and updated in one statement.
    /// </summary>
    internal int MaxSpansPerSlice { get; init; } = 50_000;

    /// <summary>Re-prices spans with usage (billing or not, as ingest prices them all) that started in [<paramref name="fromUtc"/>, <paramref name="toUtc"/>).</summary>
    public async Task<RepricingResult> RunAsync(
        DateTime fromUtc,
        DateTime toUtc,
        string actor,
        IProgress<RepricingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        fromUtc = AsUtc(fromUtc);
        toUtc = AsUtc(toUtc);
        if (toUtc <= fromUtc)
        {
            throw new ArgumentException("The end of the range must be after its start.", nameof(toUtc));
        }

        var catalogue = await prices.LoadCatalogueAsync(cancellationToken);
        var total = await CountAsync(fromUtc, toUtc, cancellationToken);
        var runId = await StartRunAsync(fromUtc, toUtc, actor, total, cancellationToken);
        long done = 0, changed = 0;
        try
        {
            for (var sliceStart = fromUtc; sliceStart < toUtc;)
            {
                var slice = await RepriceSliceAsync(runId, catalogue, sliceStart, toUtc, cancellationToken);
                done += slice.Spans;
                changed += slice.Changed;
                sliceStart = slice.End;
                progress?.Report(new RepricingProgress(runId, total, done, sliceStart));
            }
        }
        catch (Exception e)
        {
            var reason = e is OperationCanceledException ? "cancelled" : e.Message;
            await FinishRunAsync(runId, "failed", reason);
            logger.LogWarning(e, "Re-pricing run {RunId} failed after {Done} of {Total} spans", runId, done, total);
            throw;
        }

        await FinishRunAsync(runId, "done", null);
        logger.LogInformation("Re-pricing run {RunId} re-priced {Done} spans from {From:o} to {To:o}; {Changed} changed",
            runId, done, fromUtc, toUtc, changed);
        return new RepricingResult(runId, total, changed);
    }

    private async Task<(DateTime End, int Spans, int Changed)> RepriceSliceAsync(
        int runId, PriceCatalogue catalogue, DateTime sliceStart, DateTime toUtc, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var sliceEnd = Min(sliceStart + SliceLength, toUtc);
        while (true)
        {
            var splittable = sliceEnd - sliceStart > MinSliceLength;
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var spans = await ReadSpansAsync(connection, transaction, sliceStart, sliceEnd, splittable ? MaxSpansPerSlice + 1 : null, cancellationToken);
            if (spans.Count > MaxSpansPerSlice && splittable)
            {
                await transaction.RollbackAsync(cancellationToken);
                sliceEnd = sliceStart + ((sliceEnd - sliceStart) / 2);
                continue;
            }

            var changes = new List<(StoredCost Span, SpanCost Cost)>();
            foreach (var span in spans)
            {
                var cost = SpanPricer.Price(catalogue, span.Provider, span.Model, span.StartTime, span.Usage, span.ProvidedCostUsd);
                if (cost != span.Current)
                {
                    changes.Add((span, cost));
                }
            }

            await UpdateSpansAsync(connection, transaction, changes, sliceStart, sliceEnd, cancellationToken);
            await using (var advance = new NpgsqlCommand(
                "UPDATE repricing_runs SET spans_done = spans_done + $2 WHERE id = $1", connection, transaction))
            {
                advance.Parameters.Add(new() { Value = runId });
                advance.Parameters.Add(new() { Value = (long)spans.Count });
                await advance.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return (sliceEnd, spans.Count, changes.Count);
        }
    }

    private static async Task<List<StoredCost>> ReadSpansAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, DateTime from, DateTime to, int? limit, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT project_id, trace_id, span_id, start_time, provider, model,
                   input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens,
                   provided_cost_usd, computed_cost_usd, price_id, cost_source
            FROM spans WHERE (input_tokens IS NOT NULL OR output_tokens IS NOT NULL) AND start_time >= $1 AND start_time < $2
            LIMIT $3
            """, connection, transaction);
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        command.Parameters.Add(new() { Value = (object?)(long?)limit ?? DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var spans = new List<StoredCost>();
        while (await reader.ReadAsync(cancellationToken))
        {
            spans.Add(new StoredCost(
                reader.GetInt32(0),
                reader.GetFieldValue<byte[]>(1),
                reader.GetFieldValue<byte[]>(2),
                reader.GetDateTime(3),
                NullableString(reader, 4),
                NullableString(reader, 5),
                new TokenUsage(NullableLong(reader, 6), NullableLong(reader, 7), NullableLong(reader, 8), NullableLong(reader, 9), NullableLong(reader, 10)),
                reader.IsDBNull(11) ? null : reader.GetDecimal(11),
                new SpanCost(reader.IsDBNull(12) ? null : reader.GetDecimal(12), reader.IsDBNull(13) ? null : reader.GetInt32(13), NullableString(reader, 14))));
        }

        return spans;
    }

    private static async Task UpdateSpansAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, List<(StoredCost Span, SpanCost Cost)> changes,
        DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return;
        }

        // The start-time bounds let PostgreSQL touch only the partitions of the slice. ingested_at
        // moves so that the rollup job, which follows it, recomputes the hours of changed spans.
        await using var command = new NpgsqlCommand("""
            UPDATE spans AS s
            SET computed_cost_usd = u.computed_cost_usd, price_id = u.price_id, cost_source = u.cost_source, ingested_at = now()
            FROM unnest($1::integer[], $2::bytea[], $3::bytea[], $4::timestamptz[], $5::numeric[], $6::integer[], $7::text[])
                AS u(project_id, trace_id, span_id, start_time, computed_cost_usd, price_id, cost_source)
            WHERE s.project_id = u.project_id AND s.trace_id = u.trace_id AND s.span_id = u.span_id
              AND s.start_time = u.start_time AND s.start_time >= $8 AND s.start_time < $9
            """, connection, transaction);
        command.Parameters.Add(new() { Value = changes.Select(c => c.Span.ProjectId).ToArray() });
        command.Parameters.Add(new() { Value = changes.Select(c => c.Span.TraceId).ToArray() });
        command.Parameters.Add(new() { Value = changes.Select(c => c.Span.SpanId).ToArray() });
        command.Parameters.Add(new() { Value = changes.Select(c => c.Span.StartTime).ToArray() });
        command.Parameters.Add(new() { Value = changes.Select(c => c.Cost.ComputedCostUsd).ToArray() });
        command.Parameters.Add(new() { Value = changes.Select(c => c.Cost.PriceId).ToArray() });
        command.Parameters.Add(new() { Value = changes.Select(c => c.Cost.CostSource).ToArray() });
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<long> CountAsync(DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM spans WHERE (input_tokens IS NOT NULL OR output_tokens IS NOT NULL) AND start_time >= $1 AND start_time < $2");
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    // The run and its audit entry commit together, before any span changes.
    private async Task<int> StartRunAsync(DateTime from, DateTime to, string actor, long total, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        int runId;
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO repricing_runs (requested_by, from_time, to_time, status, spans_total)
            VALUES ($1, $2, $3, 'running', $4) RETURNING id
            """, connection, transaction))
        {
            insert.Parameters.Add(new() { Value = actor });
            insert.Parameters.Add(new() { Value = from });
            insert.Parameters.Add(new() { Value = to });
            insert.Parameters.Add(new() { Value = total });
            runId = (int)(await insert.ExecuteScalarAsync(cancellationToken))!;
        }

        await AuditLog.WriteAsync(connection, transaction, actor, "prices.reprice", $"repricing_runs/{runId}", null,
            new { From = from, To = to, SpansTotal = total }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return runId;
    }

    // Not cancellable: a cancelled run must still be marked as ended.
    private async Task FinishRunAsync(int runId, string status, string? error)
    {
        try
        {
            await using var command = dataSource.CreateCommand(
                "UPDATE repricing_runs SET status = $2, error = $3, finished_at = now() WHERE id = $1");
            command.Parameters.Add(new() { Value = runId });
            command.Parameters.Add(new() { Value = status });
            command.Parameters.Add(new() { Value = (object?)error ?? DBNull.Value });
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException e) when (status == "failed")
        {
            // Keep the original failure visible rather than this one.
            logger.LogError(e, "Could not mark re-pricing run {RunId} as failed", runId);
        }
    }

    private static DateTime AsUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => value.ToUniversalTime(),
        DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        _ => value,
    };

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static long? NullableLong(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    private sealed record StoredCost(
        int ProjectId, byte[] TraceId, byte[] SpanId, DateTime StartTime, string? Provider, string? Model,
        TokenUsage Usage, decimal? ProvidedCostUsd, SpanCost Current);
}
