using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Tollgate.Analytics.Revenue;

/// <summary>One revenue file imported in the background, as it stands.</summary>
public sealed record RevenueImport(
    long Id,
    int ProjectId,
    string? FileName,
    string Status,
    int? LinesTotal,
    int LinesDone,
    int? Inserted,
    int? Replaced,
    string? Error,
    IReadOnlyList<string> LineErrors,
    int LineErrorCount,
    string RequestedBy,
    DateTime RequestedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt)
{
    public bool Ended => Status is RevenueImports.Succeeded or RevenueImports.Failed;
}

/// <summary>
/// Revenue files too large to store while the uploader waits. The file is kept in the database
/// until a job (<see cref="RunAsync"/>) checks every line and stores the whole set in one
/// transaction, reporting lines done as it goes: all or nothing, as the synchronous upload. A run
/// interrupted by a crash or a shutdown rolls back, and running it again stores the set once (an
/// upsert on the figure's key).
/// </summary>
public sealed class RevenueImports(NpgsqlDataSource dataSource, RevenueStore store, ILogger<RevenueImports> logger)
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    /// <summary>A file larger than this is refused: split it.</summary>
    public const long MaxBytes = 64 * 1024 * 1024;

    /// <summary>A file with more figures than this is refused: split it.</summary>
    public const int MaxLines = 1_000_000;

    /// <summary>A refused file keeps this many of its bad lines (and counts them all).</summary>
    public const int LineErrorsKept = 1_000;

    private const string Columns = """
        id, project_id, file_name, status, lines_total, lines_done, inserted, replaced, error, line_errors,
        line_error_count, requested_by, requested_at, started_at, finished_at
        """;

    /// <summary>Keeps <paramref name="body"/> for a job to import into project <paramref name="projectId"/>.</summary>
    /// <returns>The import's id.</returns>
    public async Task<long> CreateAsync(int projectId, byte[] body, string? fileName, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        if (body.LongLength > MaxBytes)
        {
            throw new ArgumentException($"The file is larger than {MaxBytes / (1024 * 1024)} MiB.", nameof(body));
        }

        await using var command = dataSource.CreateCommand("""
            INSERT INTO revenue_imports (project_id, file_name, body, status, requested_by) VALUES ($1, $2, $3, 'queued', $4) RETURNING id
            """);
        command.Parameters.Add(new() { Value = projectId });
        command.Parameters.Add(new() { Value = (object?)Shorten(fileName) ?? DBNull.Value });
        command.Parameters.Add(new() { Value = body });
        command.Parameters.Add(new() { Value = actor });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<RevenueImport?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM revenue_imports WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>The latest imports into a project, newest first.</summary>
    public async Task<IReadOnlyList<RevenueImport>> ListAsync(int projectId, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM revenue_imports WHERE project_id = $1 ORDER BY id DESC LIMIT $2");
        command.Parameters.Add(new() { Value = projectId });
        command.Parameters.Add(new() { Value = limit });
        var imports = new List<RevenueImport>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            imports.Add(Read(reader));
        }

        return imports;
    }

    /// <summary>Ends a queued import that no job will run (queuing its job failed).</summary>
    public async Task FailQueuedAsync(long id, string reason)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE revenue_imports SET status = 'failed', error = $2, body = NULL, finished_at = now() WHERE id = $1 AND status = 'queued'");
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = reason });
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    /// <summary>
    /// Carries out import <paramref name="id"/>: checks every line, then stores them all or, when any
    /// is bad, none, recording the bad lines. An import that was running (its worker stopped) starts
    /// over; one that has ended is left as it is.
    /// </summary>
    /// <returns>The import as it ended, or null when there is no such import.</returns>
    public async Task<RevenueImport?> RunAsync(long id, CancellationToken cancellationToken = default)
    {
        var claimed = await ClaimAsync(id, cancellationToken);
        if (claimed is not { } work)
        {
            return await GetAsync(id, cancellationToken);
        }

        try
        {
            using var text = new StreamReader(new MemoryStream(work.Body), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            var (lines, errors) = RevenueCsv.Parse(text, MaxLines);
            if (errors.Count > 0)
            {
                await FinishAsync(id, Failed, $"{errors.Count} line(s) are invalid and nothing was stored; fix them and import the whole file again.",
                    lines.Count + errors.Count, errors, summary: null);
                return await GetAsync(id, CancellationToken.None);
            }

            await UpdateAsync("UPDATE revenue_imports SET lines_total = $2 WHERE id = $1", id, lines.Count, cancellationToken);
            var summary = await store.StoreAsync(work.ProjectId, lines, work.RequestedBy,
                done => UpdateAsync("UPDATE revenue_imports SET lines_done = $2 WHERE id = $1", id, done, cancellationToken),
                cancellationToken);
            await FinishAsync(id, Succeeded, null, lines.Count, [], summary);
            logger.LogInformation("Revenue import {Id} stored {Lines} figures ({Inserted} new, {Replaced} replaced)", id, lines.Count, summary.Inserted, summary.Replaced);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: rolled back; the job runs again on the next instance to start.
            await UpdateAsync("UPDATE revenue_imports SET status = 'queued' WHERE id = $1 AND status = 'running'", id, null, CancellationToken.None);
            throw;
        }
        catch (NpgsqlException e) when (e.IsTransient)
        {
            // The database went away: rolled back; the job's retry starts over.
            logger.LogWarning(e, "Revenue import {Id} paused: the database is unavailable", id);
            throw;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Revenue import {Id} failed", id);
            await FinishAsync(id, Failed, $"The import failed unexpectedly ({e.GetType().Name}) and nothing was stored; the server's log has the details.", 0, [], summary: null);
        }

        return await GetAsync(id, CancellationToken.None);
    }

    private sealed record Claimed(int ProjectId, byte[] Body, string RequestedBy);

    private async Task<Claimed?> ClaimAsync(long id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE revenue_imports SET status = 'running', started_at = now(), lines_done = 0
            WHERE id = $1 AND status IN ('queued', 'running') AND body IS NOT NULL
            RETURNING project_id, body, requested_by
            """);
        command.Parameters.Add(new() { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new Claimed(reader.GetInt32(0), (byte[])reader[1], reader.GetString(2))
            : null;
    }

    private async Task FinishAsync(long id, string status, string? error, int linesTotal, List<string> lineErrors, RevenueImportSummary? summary)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE revenue_imports
            SET status = $2, error = $3, lines_total = $4, lines_done = CASE WHEN $2 = 'succeeded' THEN $4 ELSE 0 END,
                line_errors = $5, line_error_count = $6, inserted = $7, replaced = $8, body = NULL, finished_at = now()
            WHERE id = $1
            """);
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = status });
        command.Parameters.Add(new() { Value = (object?)error ?? DBNull.Value });
        command.Parameters.Add(new() { Value = linesTotal });
        command.Parameters.Add(new() { Value = lineErrors.Take(LineErrorsKept).ToArray() });
        command.Parameters.Add(new() { Value = lineErrors.Count });
        command.Parameters.Add(new() { Value = (object?)summary?.Inserted ?? DBNull.Value });
        command.Parameters.Add(new() { Value = (object?)summary?.Replaced ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private async Task UpdateAsync(string sql, long id, int? value, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new() { Value = id });
        if (value is not null)
        {
            command.Parameters.Add(new() { Value = value.Value });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static RevenueImport Read(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetInt32(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3),
        r.IsDBNull(4) ? null : r.GetInt32(4), r.GetInt32(5), r.IsDBNull(6) ? null : r.GetInt32(6), r.IsDBNull(7) ? null : r.GetInt32(7),
        r.IsDBNull(8) ? null : r.GetString(8), r.IsDBNull(9) ? [] : r.GetFieldValue<string[]>(9), r.IsDBNull(10) ? 0 : r.GetInt32(10),
        r.GetString(11), r.GetDateTime(12), r.IsDBNull(13) ? null : r.GetDateTime(13), r.IsDBNull(14) ? null : r.GetDateTime(14));

    private static string? Shorten(string? fileName) =>
        string.IsNullOrWhiteSpace(fileName) ? null : fileName.Length <= 200 ? fileName : fileName[..200];
}
