using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Tollgate.Analytics.Pricing;
using Tollgate.Analytics.Storage;
using Tollgate.Testing;
using static Tollgate.Analytics.Tests.Pricing.TestPrices;

namespace Tollgate.Analytics.Tests.Pricing;

public sealed class RepricingServiceTests : IAsyncLifetime
{
    private static readonly DateTime CustomFrom = Utc(2026, 12, 1);

    private TestDatabase _database = null!;
    private NpgsqlDataSource _dataSource = null!;
    private PriceStore _store = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _dataSource = _database.CreateDataSource();
        await new SchemaMigrator(_dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        await new SpanPartitions(_dataSource, NullLogger<SpanPartitions>.Instance).EnsureAsync(Utc(2026, 11, 1), Utc(2027, 1, 31));
        _store = new PriceStore(_dataSource);
        await _store.SeedAsync();
    }

    public async Task DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await _database.DisposeAsync();
    }

    private RepricingService Service(int maxSpansPerSlice = 50_000) =>
        new(_dataSource, _store, NullLogger<RepricingService>.Instance) { MaxSpansPerSlice = maxSpansPerSlice };

    [Fact]
    public async Task Repricing_after_a_custom_price_changes_only_spans_from_its_date_and_keeps_provided_costs()
    {
        await InsertSpanAsync(1, Utc(2026, 11, 20), "openai", "gpt-4o", input: 1_000_000);
        await InsertSpanAsync(2, Utc(2026, 12, 5), "azure.ai.openai", "gpt-4o-2024-08-06", input: 1_000_000);
        await InsertSpanAsync(3, Utc(2026, 12, 6), "openai", "gpt-4o", input: 1_000_000, providedCost: 1.23m);
        await InsertSpanAsync(4, Utc(2026, 12, 7), "openai", "gpt-4o", input: 1_000_000, billing: false);
        await InsertSpanAsync(5, Utc(2026, 12, 8), "acme", "house-model", input: 1_000_000);
        await InsertSpanAsync(6, Utc(2027, 1, 10), "openai", "gpt-4o", input: 1_000_000);
        var seedPrice = (await _store.LoadCatalogueAsync()).Find("openai", "gpt-4o", CustomFrom)!.Value.Price;
        await Service().RunAsync(Utc(2026, 11, 1), Utc(2027, 1, 1), "alice");
        var before = await ReadCostsAsync();

        var custom = await _store.AddAsync(Make("openai", "gpt-4o", 5m, 20m, CustomFrom), "alice");
        var result = await Service().RunAsync(Utc(2026, 11, 1), Utc(2027, 1, 1), "bob");
        var after = await ReadCostsAsync();

        before[1].ShouldBe((seedPrice.InputPerMTok, seedPrice.Id, "computed", null));
        after[1].ShouldBe(before[1]);
        after[2].ShouldBe((5m, custom.Id, "computed", null));
        after[3].ShouldBe((5m, custom.Id, "provided", 1.23m));
        // Not billing, but priced like every span with usage: a trace view shows its cost.
        after[4].ShouldBe((5m, custom.Id, "computed", null));
        after[5].ShouldBe((null, null, null, null));
        after[6].ShouldBe((null, null, null, null));
        result.SpansTotal.ShouldBe(5);
        result.SpansChanged.ShouldBe(3);
    }

    [Fact]
    public async Task A_run_is_recorded_with_its_progress_and_audited()
    {
        await InsertSpanAsync(1, Utc(2026, 11, 20), "openai", "gpt-4o", input: 1_000);
        await InsertSpanAsync(2, Utc(2026, 11, 22), "openai", "gpt-4o", input: 1_000);
        var progress = new Recorder();

        var result = await Service().RunAsync(Utc(2026, 11, 20), Utc(2026, 11, 25), "bob", progress);

        var run = await _database.ScalarAsync<string>(
            $"SELECT concat_ws('|', requested_by, status, spans_total, spans_done, error IS NULL, finished_at IS NOT NULL) FROM repricing_runs WHERE id = {result.RunId}");
        run.ShouldBe("bob|done|2|2|t|t");
        (await _database.ScalarAsync<string>("SELECT concat_ws('|', actor, action, subject, after->>'spansTotal') FROM audit_log"))
            .ShouldBe($"bob|prices.reprice|repricing_runs/{result.RunId}|2");
        // One report per day of the range; the count only grows.
        progress.Reports.Select(p => p.ReachedUtc).ShouldBe(Enumerable.Range(1, 5).Select(d => Utc(2026, 11, 20).AddDays(d)));
        progress.Reports.Select(p => p.SpansDone).ShouldBe([1, 1, 2, 2, 2]);
    }

    [Fact]
    public async Task A_slice_with_more_spans_than_the_limit_is_split_and_every_span_is_still_priced()
    {
        for (byte i = 1; i <= 7; i++)
        {
            await InsertSpanAsync(i, Utc(2026, 11, 20, hour: i * 3), "openai", "gpt-4o", input: 1_000_000);
        }

        var progress = new Recorder();
        var result = await Service(maxSpansPerSlice: 2).RunAsync(Utc(2026, 11, 20), Utc(2026, 11, 21), "bob", progress);

        result.SpansChanged.ShouldBe(7);
        (await ReadCostsAsync()).Values.ShouldAllBe(c => c.Source == "computed" && c.Cost > 0);
        progress.Reports.Count.ShouldBeGreaterThan(3);
        progress.Reports[^1].SpansDone.ShouldBe(7);
    }

    [Fact]
    public async Task A_cancelled_run_is_marked_failed()
    {
        await InsertSpanAsync(1, Utc(2026, 11, 20), "openai", "gpt-4o", input: 1_000);
        using var cancellation = new CancellationTokenSource();
        var progress = new Recorder(_ => cancellation.Cancel());

        await Should.ThrowAsync<OperationCanceledException>(
            () => Service().RunAsync(Utc(2026, 11, 20), Utc(2026, 11, 30), "bob", progress, cancellation.Token));

        (await _database.ScalarAsync<string>("SELECT status || '|' || error FROM repricing_runs")).ShouldBe("failed|cancelled");
        progress.Reports.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_queued_run_waits_for_its_job_which_carries_it_out_once()
    {
        await InsertSpanAsync(1, Utc(2026, 11, 20), "openai", "gpt-4o", input: 1_000);
        await InsertSpanAsync(2, Utc(2026, 11, 22), "openai", "gpt-4o", input: 1_000);
        var service = Service();

        var runId = await service.CreateRunAsync(Utc(2026, 11, 20), Utc(2026, 11, 25), "bob");
        var queued = (await service.GetAsync(runId))!;
        var untouched = (await ReadCostsAsync()).Values.ToList();
        var result = await service.RunQueuedAsync(runId);

        (queued.Status, queued.SpansTotal, queued.SpansDone).ShouldBe(("queued", 2L, 0L));
        untouched.ShouldAllBe(c => c.Source == null);
        result.ShouldBe(new RepricingResult(runId, 2, 2));
        (await ReadCostsAsync()).Values.ShouldAllBe(c => c.Source == "computed" && c.Cost > 0);
        var done = (await service.WaitAsync(runId, TimeSpan.Zero))!;
        (done.Status, done.SpansDone, done.SpansChanged, done.ReachedUtc, done.FinishedAt.HasValue).ShouldBe(("done", 2L, 2L, (DateTime?)Utc(2026, 11, 25), true));
        (await service.RunQueuedAsync(runId)).ShouldBeNull();
    }

    [Fact]
    public async Task A_run_whose_worker_went_silent_is_resumed_from_where_it_reached_and_a_live_one_is_left_alone()
    {
        await InsertSpanAsync(1, Utc(2026, 11, 20), "openai", "gpt-4o", input: 1_000);
        await InsertSpanAsync(2, Utc(2026, 11, 24), "openai", "gpt-4o", input: 1_000);
        // Run 1 reached the 23rd (span 1 done) before its process stopped ten minutes ago; run 2 is being worked on now.
        await _database.ExecuteAsync($"""
            INSERT INTO repricing_runs (id, requested_by, from_time, to_time, status, spans_total, spans_done, spans_changed, reached_time, heartbeat_at) VALUES
                (1, 'bob', '{Utc(2026, 11, 20):o}', '{Utc(2026, 11, 25):o}', 'running', 2, 1, 1, '{Utc(2026, 11, 23):o}', now() - interval '10 minutes'),
                (2, 'eve', '{Utc(2026, 11, 20):o}', '{Utc(2026, 11, 25):o}', 'running', 2, 0, 0, NULL, now())
            """);

        var result = await Service().RunQueuedAsync(1);

        result.ShouldBe(new RepricingResult(1, 2, 2));
        var costs = await ReadCostsAsync();
        costs[1].Source.ShouldBeNull(); // before the point reached: not read again
        costs[2].Source.ShouldBe("computed");
        (await _database.ScalarAsync<string>("SELECT string_agg(concat_ws(':', id, status, spans_done), ' ' ORDER BY id) FROM repricing_runs"))
            .ShouldBe("1:done:2 2:running:0");
        (await Service().RunQueuedAsync(2)).ShouldBeNull();
    }

    [Fact]
    public async Task A_worker_run_stopped_by_shutdown_goes_back_to_the_queue_and_finishes_later()
    {
        await InsertSpanAsync(1, Utc(2026, 11, 20), "openai", "gpt-4o", input: 1_000);
        await InsertSpanAsync(2, Utc(2026, 11, 22), "openai", "gpt-4o", input: 1_000);
        var service = Service();
        var runId = await service.CreateRunAsync(Utc(2026, 11, 20), Utc(2026, 11, 25), "bob");
        using var shutdown = new CancellationTokenSource();

        await Should.ThrowAsync<OperationCanceledException>(() => service.RunQueuedAsync(runId, new Recorder(_ => shutdown.Cancel()), shutdown.Token));

        var stopped = (await service.GetAsync(runId))!;
        (stopped.Status, stopped.SpansDone, stopped.ReachedUtc).ShouldBe(("queued", 1L, (DateTime?)Utc(2026, 11, 21)));
        (await service.RunQueuedAsync(runId)).ShouldBe(new RepricingResult(runId, 2, 2));
        (await service.GetAsync(runId))!.Status.ShouldBe("done");
    }

    [Fact]
    public async Task A_cancelled_run_stops_after_the_slice_in_progress_which_is_undone()
    {
        await InsertSpanAsync(1, Utc(2026, 11, 20), "openai", "gpt-4o", input: 1_000);
        await InsertSpanAsync(2, Utc(2026, 11, 22), "openai", "gpt-4o", input: 1_000);
        await InsertSpanAsync(3, Utc(2026, 11, 24), "openai", "gpt-4o", input: 1_000);
        var service = Service();
        var runId = await service.CreateRunAsync(Utc(2026, 11, 20), Utc(2026, 11, 25), "bob");

        // The admin cancels while the first day's slice is done: the next slice finds the run cancelled.
        var result = await service.RunQueuedAsync(runId, new Recorder(p => service.CancelAsync(p.RunId, "alice").GetAwaiter().GetResult()));

        result.ShouldBe(new RepricingResult(runId, 3, 1, Cancelled: true));
        var costs = await ReadCostsAsync();
        (costs[1].Source, costs[2].Source, costs[3].Source).ShouldBe(("computed", null, null));
        var run = (await service.GetAsync(runId))!;
        (run.Status, run.SpansDone, run.Error, run.Ended).ShouldBe(("cancelled", 1L, "cancelled by alice", true));
        (await _database.ScalarAsync<string>("SELECT string_agg(action || ' by ' || actor, ', ' ORDER BY id) FROM audit_log"))
            .ShouldBe("prices.reprice by bob, prices.reprice.cancel by alice");
        (await service.RunQueuedAsync(runId)).ShouldBeNull();
        (await service.CancelAsync(runId, "alice"))!.Status.ShouldBe("cancelled");
        (await _database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'prices.reprice.cancel'")).ShouldBe(1);
    }

    [Fact]
    public async Task An_empty_or_reversed_range_is_refused() =>
        await Should.ThrowAsync<ArgumentException>(() => Service().RunAsync(Utc(2026, 11, 2), Utc(2026, 11, 2), "bob"));

    // The span id's last byte is the number the tests use to find it again.
    private async Task InsertSpanAsync(
        byte number, DateTime start, string provider, string model, long input, decimal? providedCost = null, bool billing = true)
    {
        await using var command = _dataSource.CreateCommand("""
            INSERT INTO spans (project_id, trace_id, span_id, name, kind, start_time, end_time, status_code,
                               provider, model, input_tokens, output_tokens, provided_cost_usd, cost_source, billing)
            VALUES (1, $1, $2, 'chat', 3, $3, $3, 0, $4, $5, $6, 0, $7, CASE WHEN $7::numeric IS NULL THEN NULL ELSE 'provided' END, $8)
            """);
        command.Parameters.Add(new() { Value = new byte[16] });
        command.Parameters.Add(new() { Value = new byte[] { 0, 0, 0, 0, 0, 0, 0, number } });
        command.Parameters.Add(new() { Value = start });
        command.Parameters.Add(new() { Value = provider });
        command.Parameters.Add(new() { Value = model });
        command.Parameters.Add(new() { Value = input });
        command.Parameters.Add(new() { Value = (object?)providedCost ?? DBNull.Value, DataTypeName = "numeric" });
        command.Parameters.Add(new() { Value = billing });
        await command.ExecuteNonQueryAsync();
    }

    private async Task<Dictionary<byte, (decimal? Cost, int? PriceId, string? Source, decimal? Provided)>> ReadCostsAsync()
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT span_id, computed_cost_usd, price_id, cost_source, provided_cost_usd FROM spans");
        await using var reader = await command.ExecuteReaderAsync();
        var costs = new Dictionary<byte, (decimal?, int?, string?, decimal?)>();
        while (await reader.ReadAsync())
        {
            costs[reader.GetFieldValue<byte[]>(0)[^1]] = (
                reader.IsDBNull(1) ? null : reader.GetDecimal(1),
                reader.IsDBNull(2) ? null : reader.GetInt32(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetDecimal(4));
        }

        return costs;
    }

    // Reports synchronously, unlike Progress<T>, so the test sees every report before it asserts.
    private sealed class Recorder(Action<RepricingProgress>? onReport = null) : IProgress<RepricingProgress>
    {
        public List<RepricingProgress> Reports { get; } = [];

        public void Report(RepricingProgress value)
        {
            Reports.Add(value);
            onReport?.Invoke(value);
        }
    }
}
