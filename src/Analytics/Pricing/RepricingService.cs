using Microsoft.Extensions.Logging;
using Npgsql;
using Tollgate.Analytics.Audit;

namespace Tollgate.Analytics.Pricing;

/// <summary>Where a re-pricing run is: spans re-priced so far, and the start time reached.</summary>
public sealed record RepricingProgress(int RunId, long SpansTotal, long SpansDone, DateTime ReachedUtc);

/// <summary>A finished run: spans with usage looked at, and how many of them got a different cost.</summary>
public sealed record RepricingResult(int RunId, long SpansTotal, long SpansChanged, bool Cancelled = false);

/// <summary>A re-pricing run as stored: queued, running, done or failed, with its progress.</summary>
public sealed record RepricingRun(
    int Id, string RequestedBy, DateTime FromUtc, DateTime ToUtc, string Status, long SpansTotal, long SpansDone, long SpansChanged,
    DateTime? ReachedUtc, string? Error, DateTime StartedAt, DateTime? FinishedAt)
{
    public bool Ended => Status is RepricingService.Done or RepricingService.Failed or RepricingService.Cancelled;
}

/// <summary>
/// Recomputes the cost columns of stored spans with usage with the current catalogue, for example
/// after an admin added a price. Works through the range one time slice per transaction, so a
/// long run never holds one huge transaction, and records after each slice how far it reached.
/// A run is created (<see cref="CreateRunAsync"/>) and carried out by a background job
/// (<see cref="RunQueuedAsync"/>), apart from the caller's request: a client that stops waiting
/// does not stop the run, a run whose process ended is resumed from where it reached, and an admin
/// may cancel it (<see cref="CancelAsync"/>), which stops it after the slice in progress, undone.
/// </summary>
public sealed class RepricingService(NpgsqlDataSource dataSource, PriceStore prices, ILogger<RepricingService> logger)
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Done = "done";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    /// <summary>A running run whose worker has been silent this long is taken over: a slice never takes nearly as long.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(2);

    // Slices shorter than this are not split further, however many spans they hold.
    private static readonly TimeSpan MinSliceLength = TimeSpan.FromSeconds(1);

    private const string RunColumns =
        "id, requested_by, from_time, to_time, status, spans_total, spans_done, spans_changed, reached_time, error, started_at, finished_at";

    /// <summary>The first slice tried; a day is one transaction at typical volumes.</summary>
    internal TimeSpan SliceLength { get; init; } = TimeSpan.FromDays(1);

    /// <summary>
    /// A slice with more spans than this is halved until it fits: the spans of one slice
    /// are held in memory (about 200 bytes each) and updated in one statement.
    /// </summary>
    internal int MaxSpansPerSlice { get; init; } = 50_000;

    /// <summary>
    /// Records a queued run over spans with usage (billing or not, as ingest prices them all) that
    /// started in [<paramref name="fromUtc"/>, <paramref name="toUtc"/>), for a job to carry out.
    /// </summary>
    /// <returns>The run's id.</returns>
    public async Task<int> CreateRunAsync(DateTime fromUtc, DateTime toUtc, string actor, CancellationToken cancellationToken = default) =>
        (await InsertRunAsync(fromUtc, toUtc, actor, Queued, cancellationToken)).Id;

    /// <summary>Ends a queued run that no job will carry out (queuing its job failed).</summary>
    public async Task FailQueuedAsync(int runId, string reason)
    {
        await using var command = dataSource.CreateCommand(
            $"UPDATE repricing_runs SET status = '{Failed}', error = $2, finished_at = now() WHERE id = $1 AND status = '{Queued}'");
        command.Parameters.Add(new() { Value = runId });
        command.Parameters.Add(new() { Value = reason });
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    /// <summary>Carries out a run at once on the caller's thread; cancelling it marks the run failed.</summary>
    public async Task<RepricingResult> RunAsync(
        DateTime fromUtc,
        DateTime toUtc,
        string actor,
        IProgress<RepricingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var run = await InsertRunAsync(fromUtc, toUtc, actor, Running, cancellationToken);
        return await ExecuteAsync(run, progress, requeueWhenCancelled: false, cancellationToken);
    }

    // The run and its audit entry commit together, before any span changes.
    private async Task<RepricingRun> InsertRunAsync(DateTime fromUtc, DateTime toUtc, string actor, string status, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        fromUtc = AsUtc(fromUtc);
        toUtc = AsUtc(toUtc);
        if (toUtc <= fromUtc)
        {
            throw new ArgumentException("The end of the range must be after its start.", nameof(toUtc));
        }

        var total = await CountAsync(fromUtc, toUtc, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        RepricingRun run;
        await using (var insert = new NpgsqlCommand($"""
            INSERT INTO repricing_runs (requested_by, from_time, to_time, status, spans_total, heartbeat_at)
            VALUES ($1, $2, $3, $4, $5, now()) RETURNING {RunColumns}
            """, connection, transaction))
        {
            insert.Parameters.Add(new() { Value = actor });
            insert.Parameters.Add(new() { Value = fromUtc });
            insert.Parameters.Add(new() { Value = toUtc });
            insert.Parameters.Add(new() { Value = status });
            insert.Parameters.Add(new() { Value = total });
            await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            run = ReadRun(reader);
        }

        await AuditLog.WriteAsync(connection, transaction, actor, "prices.reprice", $"repricing_runs/{run.Id}", null,
            new { From = fromUtc, To = toUtc, SpansTotal = total }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return run;
    }

    /// <summary>
    /// Carries out run <paramref name="runId"/> from where it reached, when it is queued or its
    /// worker has been silent for <see cref="StaleAfter"/> (a process that stopped).
    /// </summary>
    /// <returns>The result; null when the run has ended (done, failed or cancelled) or another worker has it.</returns>
    public async Task<RepricingResult?> RunQueuedAsync(int runId, IProgress<RepricingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var run = await ClaimAsync(runId, cancellationToken);
        return run is null ? null : await ExecuteAsync(run, progress, requeueWhenCancelled: true, cancellationToken);
    }

    /// <summary>
    /// Cancels a queued or running run: the slice in progress is rolled back and no further one
    /// starts; slices already committed stay re-priced (the rollups follow them).
    /// </summary>
    /// <returns>The run as it now stands, or null when there is no such run.</returns>
    public async Task<RepricingRun?> CancelAsync(int runId, string actor, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var cancel = new NpgsqlCommand($"""
            UPDATE repricing_runs SET status = '{Cancelled}', error = $2, finished_at = now()
            WHERE id = $1 AND status IN ('{Queued}', '{Running}')
            """, connection, transaction))
        {
            cancel.Parameters.Add(new() { Value = runId });
            cancel.Parameters.Add(new() { Value = $"cancelled by {actor}" });
            if (await cancel.ExecuteNonQueryAsync(cancellationToken) > 0)
            {
                await AuditLog.WriteAsync(connection, transaction, actor, "prices.reprice.cancel", $"repricing_runs/{runId}", null, null, cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return await GetAsync(runId, cancellationToken);
    }

    public async Task<RepricingRun?> GetAsync(int runId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {RunColumns} FROM repricing_runs WHERE id = $1");
        command.Parameters.Add(new() { Value = runId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadRun(reader) : null;
    }

    /// <summary>The latest <paramref name="limit"/> runs, newest first.</summary>
    public async Task<IReadOnlyList<RepricingRun>> ListAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {RunColumns} FROM repricing_runs ORDER BY id DESC LIMIT $1");
        command.Parameters.Add(new() { Value = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var runs = new List<RepricingRun>();
        while (await reader.ReadAsync(cancellationToken))
        {
            runs.Add(ReadRun(reader));
        }

        return runs;
    }

    /// <summary>The run once it has ended, or as it stands when <paramref name="within"/> is up.</summary>
    public async Task<RepricingRun?> WaitAsync(int runId, TimeSpan within, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + within;
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var run = await GetAsync(runId, cancellationToken);
            if (run is null || run.Ended || DateTime.UtcNow >= deadline)
            {
                return run;
            }

            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
        }
    }

    // Marks the run running with a fresh heartbeat; the row lock of the update lets one worker have it.
    private async Task<RepricingRun?> ClaimAsync(int runId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            UPDATE repricing_runs SET status = '{Running}', heartbeat_at = now()
            WHERE id = $2 AND (status = '{Queued}' OR (status = '{Running}' AND (heartbeat_at IS NULL OR heartbeat_at < now() - $1)))
            RETURNING {RunColumns}
            """);
        command.Parameters.Add(new() { Value = StaleAfter });
        command.Parameters.Add(new() { Value = runId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadRun(reader) : null;
    }

    private async Task<RepricingResult> ExecuteAsync(RepricingRun run, IProgress<RepricingProgress>? progress, bool requeueWhenCancelled, CancellationToken cancellationToken)
    {
        if (run.ReachedUtc is { } reached)
        {
            logger.LogInformation("Resuming re-pricing run {RunId} from {Reached:o}", run.Id, reached);
        }

        var catalogue = await prices.LoadCatalogueAsync(cancellationToken);
        long done = run.SpansDone, changed = run.SpansChanged;
        try
        {
            for (var sliceStart = run.ReachedUtc ?? run.FromUtc; sliceStart < run.ToUtc;)
            {
                var slice = await RepriceSliceAsync(run.Id, catalogue, sliceStart, run.ToUtc, cancellationToken);
                if (slice.Cancelled)
                {
                    logger.LogInformation("Re-pricing run {RunId} was cancelled after {Done} of {Total} spans", run.Id, done, run.SpansTotal);
                    return new RepricingResult(run.Id, run.SpansTotal, changed, Cancelled: true);
                }

                done += slice.Spans;
                changed += slice.Changed;
                sliceStart = slice.End;
                progress?.Report(new RepricingProgress(run.Id, run.SpansTotal, done, sliceStart));
            }
        }
        catch (OperationCanceledException e) when (requeueWhenCancelled)
        {
            // Shutting down: the next worker to start carries on from the last slice committed.
            await FinishRunAsync(run.Id, Queued, null);
            logger.LogInformation(e, "Re-pricing run {RunId} goes back to the queue after {Done} of {Total} spans", run.Id, done, run.SpansTotal);
            throw;
        }
        catch (NpgsqlException e) when (requeueWhenCancelled && e.IsTransient)
        {
            // The database went away: the run stays running, and its stale heartbeat hands it to the next worker.
            logger.LogWarning(e, "Re-pricing run {RunId} paused after {Done} of {Total} spans: the database is unavailable", run.Id, done, run.SpansTotal);
            throw;
        }
        catch (Exception e)
        {
            var reason = e is OperationCanceledException ? "cancelled" : e.Message;
            await FinishRunAsync(run.Id, Failed, reason);
            logger.LogWarning(e, "Re-pricing run {RunId} failed after {Done} of {Total} spans", run.Id, done, run.SpansTotal);
            throw;
        }

        await FinishRunAsync(run.Id, Done, null);
        logger.LogInformation("Re-pricing run {RunId} re-priced {Done} spans from {From:o} to {To:o}; {Changed} changed",
            run.Id, done, run.FromUtc, run.ToUtc, changed);
        return new RepricingResult(run.Id, run.SpansTotal, changed);
    }

    /// <summary>Re-prices one slice and records the run's progress in one transaction; a run cancelled meanwhile rolls the slice back.</summary>
    private async Task<(DateTime End, int Spans, int Changed, bool Cancelled)> RepriceSliceAsync(
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
            await using (var advance = new NpgsqlCommand($"""
                UPDATE repricing_runs SET spans_done = spans_done + $2, spans_changed = spans_changed + $3, reached_time = $4, heartbeat_at = now()
                WHERE id = $1 AND status = '{Running}'
                """, connection, transaction))
            {
                advance.Parameters.Add(new() { Value = runId });
                advance.Parameters.Add(new() { Value = (long)spans.Count });
                advance.Parameters.Add(new() { Value = (long)changes.Count });
                advance.Parameters.Add(new() { Value = sliceEnd });
                if (await advance.ExecuteNonQueryAsync(cancellationToken) == 0)
                {
                    // The run is no longer running: an admin cancelled it.
                    await transaction.RollbackAsync(cancellationToken);
                    return (sliceStart, 0, 0, true);
                }
            }

            await transaction.CommitAsync(cancellationToken);
            return (sliceEnd, spans.Count, changes.Count, false);
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

    // Not cancellable: a run stopped by shutdown must still be marked as ended (or queued again). Only a
    // running run changes: one an admin cancelled meanwhile stays cancelled.
    private async Task FinishRunAsync(int runId, string status, string? error)
    {
        try
        {
            await using var command = dataSource.CreateCommand(
                $"UPDATE repricing_runs SET status = $2, error = $3, finished_at = CASE WHEN $2 IN ('{Done}', '{Failed}') THEN now() END WHERE id = $1 AND status = '{Running}'");
            command.Parameters.Add(new() { Value = runId });
            command.Parameters.Add(new() { Value = status });
            command.Parameters.Add(new() { Value = (object?)error ?? DBNull.Value });
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException e) when (status != Done)
        {
            // Keep the original failure visible rather than this one; a stale heartbeat hands the run on.
            logger.LogError(e, "Could not mark re-pricing run {RunId} as {Status}", runId, status);
        }
    }

    private static RepricingRun ReadRun(NpgsqlDataReader reader) => new(
        reader.GetInt32(0), reader.GetString(1), reader.GetDateTime(2), reader.GetDateTime(3), reader.GetString(4), reader.GetInt64(5), reader.GetInt64(6),
        reader.GetInt64(7), reader.IsDBNull(8) ? null : reader.GetDateTime(8), NullableString(reader, 9), reader.GetDateTime(10),
        reader.IsDBNull(11) ? null : reader.GetDateTime(11));

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
