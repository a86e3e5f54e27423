using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Npgsql;
using Tollgate.Analytics.Configuration;
using Tollgate.Analytics.Time;

namespace Tollgate.Analytics.Budgets;

/// <summary>Which spend a governance check or a budget status reads: one project scope and key.</summary>
public readonly record struct SpendKey(int ProjectId, string Scope, string Key);

/// <summary>A budget's figures for its current period.</summary>
public sealed record BudgetFigures(decimal SpentUsd, decimal ForecastUsd, DateTime PeriodStart, DateTime PeriodEnd);

/// <summary>
/// Current-period spend per project, scope (total, team, feature, customer) and key, kept in
/// memory so that governance checks and budget statuses never query the database. Cost is
/// coalesce(provided_cost_usd, computed_cost_usd) of billing spans, attributed by the span's
/// team, feature and customer columns. Kept current by <see cref="RefreshAsync"/>: newly ingested
/// spans are added every poll, and everything is summed again from scratch every
/// <see cref="BudgetOptions.FullReloadInterval"/> (re-pricing changes costs without ingestion)
/// and whenever budgets change.
/// </summary>
public sealed class SpendTracker(NpgsqlDataSource dataSource, BudgetOptions options, TimeProvider time, ILogger<SpendTracker> logger) : IDisposable
{
    /// <summary>
    /// Keys tracked per project and scope beyond those with a budget: enough for every team and
    /// feature and most customer lists, while a flood of distinct customer ids cannot exhaust
    /// memory (each key holds about 2 KiB of hourly history). Keys with a budget are always kept.
    /// </summary>
    public const int MaxKeysPerScope = 20_000;

    /// <summary>Rows read per poll; a larger backlog is read over the next polls.</summary>
    public const int MaxRowsPerPoll = 200_000;

    private const string CostSql = "coalesce(provided_cost_usd, computed_cost_usd)";

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private State _state = new();
    private BudgetSet _budgets = BudgetSet.Empty;
    private DateTime _nextReload = DateTime.MinValue;
    private int _droppedKeys;

    public BudgetSet Budgets => Volatile.Read(ref _budgets);

    /// <summary>When spend was last read from the database; null before the first load.</summary>
    public DateTime? LoadedAt => Volatile.Read(ref _state).LoadedAt;

    /// <summary>Reads new spans, or reloads everything when a reload is due.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (time.GetUtcNow().UtcDateTime >= _nextReload)
            {
                await ReloadLockedAsync(cancellationToken);
            }
            else
            {
                await PollLockedAsync(cancellationToken);
            }
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Reads the budgets and sums spend again from scratch; called when budgets change.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            await ReloadLockedAsync(cancellationToken);
        }
        finally
        {
            _refresh.Release();
        }
    }

    public decimal Spent(SpendKey key, string period, DateTime now)
    {
        var state = Volatile.Read(ref _state);
        return state.Spend.TryGetValue(key, out var spend) ? spend.Spent(period, BudgetPeriods.Containing(period, now).Start) : 0m;
    }

    public BudgetFigures Figures(Budget budget, DateTime now)
    {
        var (start, end) = BudgetPeriods.Containing(budget.Period, now);
        var key = new SpendKey(budget.ProjectId, budget.Scope, budget.ScopeKey ?? "");
        if (!Volatile.Read(ref _state).Spend.TryGetValue(key, out var spend))
        {
            return new BudgetFigures(0m, 0m, start, end);
        }

        var spent = spend.Spent(budget.Period, start);
        var rate = BurnRate.HourlyRate(spend.LastHours(now, 24), spend.LastHours(now, 24, 24), spend.LastHours(now, 24, 48));
        return new BudgetFigures(spent, BurnRate.Forecast(spent, rate, now, end), start, end);
    }

    private async Task ReloadLockedAsync(CancellationToken cancellationToken)
    {
        var budgets = await BudgetStore.ReadAllAsync(dataSource, cancellationToken);
        var budgetSet = new BudgetSet(budgets);
        var now = time.GetUtcNow().UtcDateTime;
        var from = Earliest(now);
        var state = new State();
        _droppedKeys = 0;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One snapshot for the sums, the watermark and the span keys near it, so that the next
        // poll neither misses nor recounts a span.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await using (var sums = new NpgsqlCommand($"""
            SELECT project_id, team, feature, customer, date_trunc('hour', start_time), sum({CostSql})
            FROM spans
            WHERE billing AND start_time >= $1 AND start_time < $2 AND {CostSql} IS NOT NULL
            GROUP BY 1, 2, 3, 4, 5
            """, connection, transaction))
        {
            sums.Parameters.Add(new() { Value = from });
            sums.Parameters.Add(new() { Value = Latest(now) });
            await using var reader = await sums.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                Add(state, budgetSet, reader.GetInt32(0), Text(reader, 1), Text(reader, 2), Text(reader, 3),
                    DateTime.SpecifyKind(reader.GetDateTime(4), DateTimeKind.Utc), reader.GetDecimal(5));
            }
        }

        await using (var clock = new NpgsqlCommand("SELECT transaction_timestamp()", connection, transaction))
        {
            state.Watermark = (DateTime)(await clock.ExecuteScalarAsync(cancellationToken))!;
        }

        await using (var recent = new NpgsqlCommand(
            $"SELECT project_id, trace_id, span_id, ingested_at FROM spans WHERE ingested_at >= $1 AND start_time >= $2 AND billing AND {CostSql} IS NOT NULL",
            connection, transaction))
        {
            recent.Parameters.Add(new() { Value = state.Watermark - options.PollOverlap });
            recent.Parameters.Add(new() { Value = from });
            await using var reader = await recent.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                state.Seen[SpanIdentity.Of(reader.GetInt32(0), (byte[])reader[1], (byte[])reader[2])] = reader.GetDateTime(3);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        state.LoadedAt = now;
        state.ReadFrom = state.Watermark - options.PollOverlap;
        Volatile.Write(ref _budgets, budgetSet);
        Volatile.Write(ref _state, state);
        _nextReload = now + options.FullReloadInterval;
        if (_droppedKeys > 0)
        {
            logger.LogWarning("Spend of {Count} scope keys is not tracked in memory: more than {Max} keys per project and scope", _droppedKeys, MaxKeysPerScope);
        }
    }

    private async Task PollLockedAsync(CancellationToken cancellationToken)
    {
        var state = _state;
        var budgets = _budgets;
        var now = time.GetUtcNow().UtcDateTime;
        var from = Earliest(now);
        var latest = Latest(now);
        await using var command = dataSource.CreateCommand($"""
            SELECT project_id, trace_id, span_id, start_time, team, feature, customer, {CostSql}, ingested_at
            FROM spans
            WHERE ingested_at >= $1 AND start_time >= $2 AND billing AND {CostSql} IS NOT NULL
            ORDER BY ingested_at
            LIMIT {MaxRowsPerPoll}
            """);
        command.Parameters.Add(new() { Value = state.ReadFrom });
        command.Parameters.Add(new() { Value = from });
        var watermark = state.Watermark;
        var rows = 0;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows++;
                var ingestedAt = reader.GetDateTime(8);
                watermark = ingestedAt > watermark ? ingestedAt : watermark;
                if (!state.Seen.TryAdd(SpanIdentity.Of(reader.GetInt32(0), (byte[])reader[1], (byte[])reader[2]), ingestedAt))
                {
                    continue;
                }

                var start = reader.GetDateTime(3);
                if (start < latest)
                {
                    Add(state, budgets, reader.GetInt32(0), Text(reader, 4), Text(reader, 5), Text(reader, 6), start, reader.GetDecimal(7));
                }
            }
        }

        state.Watermark = watermark;
        state.LoadedAt = now;
        // A full page means a backlog: continue from its last row rather than re-reading the
        // overlap, which alone could hold more than a page. Rows read again are in Seen.
        var forget = watermark - options.PollOverlap;
        state.ReadFrom = rows >= MaxRowsPerPoll ? watermark : forget;
        foreach (var (identity, ingestedAt) in state.Seen)
        {
            if (ingestedAt < forget)
            {
                state.Seen.Remove(identity);
            }
        }
    }

    private void Add(State state, BudgetSet budgets, int projectId, string? team, string? feature, string? customer, DateTime start, decimal cost)
    {
        AddTo(state, budgets, new SpendKey(projectId, BudgetScopes.Total, ""), start, cost);
        if (team is not null)
        {
            AddTo(state, budgets, new SpendKey(projectId, BudgetScopes.Team, team), start, cost);
        }

        if (feature is not null)
        {
            AddTo(state, budgets, new SpendKey(projectId, BudgetScopes.Feature, feature), start, cost);
        }

        if (customer is not null)
        {
            AddTo(state, budgets, new SpendKey(projectId, BudgetScopes.Customer, customer), start, cost);
        }
    }

    private void AddTo(State state, BudgetSet budgets, SpendKey key, DateTime start, decimal cost)
    {
        if (!state.Spend.TryGetValue(key, out var spend))
        {
            var counter = (key.ProjectId, key.Scope);
            var count = state.KeysPerScope.GetValueOrDefault(counter);
            if (count >= MaxKeysPerScope && !budgets.HasKey(key))
            {
                _droppedKeys++;
                return;
            }

            state.KeysPerScope[counter] = count + 1;
            spend = state.Spend.GetOrAdd(key, _ => new KeySpend());
        }

        spend.Add(start, cost);
    }

    // The earliest span start that counts: the current week's or month's start, or three days
    // back for the burn rate, whichever is earlier.
    private static DateTime Earliest(DateTime now)
    {
        var hours = new DateTime((KeySpend.HourIndex(now) - KeySpend.HourSlots + 1) * TimeSpan.TicksPerHour, DateTimeKind.Utc);
        var earliest = IsoWeek.Start(now);
        earliest = BudgetPeriods.MonthStart(now) < earliest ? BudgetPeriods.MonthStart(now) : earliest;
        return hours < earliest ? hours : earliest;
    }

    // Spans dated in a later period than the current one (clock skew) would start that period
    // early; they count once it arrives, at the next full reload.
    private static DateTime Latest(DateTime now)
    {
        var week = BudgetPeriods.Containing(BudgetPeriods.Weekly, now).End;
        var month = BudgetPeriods.Containing(BudgetPeriods.Monthly, now).End;
        return week < month ? week : month;
    }

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private sealed class State
    {
        public ConcurrentDictionary<SpendKey, KeySpend> Spend { get; } = new();
        public Dictionary<(int, string), int> KeysPerScope { get; } = [];
        public Dictionary<SpanIdentity, DateTime> Seen { get; } = [];
        public DateTime Watermark { get; set; }
        public DateTime ReadFrom { get; set; }
        public DateTime? LoadedAt { get; set; }
    }

    /// <summary>A stored span's key, without allocating: trace id as two longs, span id as one.</summary>
    private readonly record struct SpanIdentity(int ProjectId, long TraceHigh, long TraceLow, long SpanId)
    {
        public static SpanIdentity Of(int projectId, byte[] traceId, byte[] spanId) => new(
            projectId,
            traceId.Length >= 16 ? BitConverter.ToInt64(traceId, 0) : 0,
            traceId.Length >= 16 ? BitConverter.ToInt64(traceId, 8) : 0,
            spanId.Length >= 8 ? BitConverter.ToInt64(spanId, 0) : 0);
    }

    public void Dispose() => _refresh.Dispose();
}
