using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Analytics.Rollups;
using static Tollgate.Analytics.Tests.Rollups.RollupFixture;

namespace Tollgate.Analytics.Tests.Rollups;

public sealed class RollupRunnerTests : IAsyncLifetime
{
    private RollupFixture _fixture = null!;

    public async Task InitializeAsync() => _fixture = await RollupFixture.CreateAsync();

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    [Fact]
    public async Task A_late_span_makes_the_runner_recompute_every_hour_of_its_trace_and_no_other()
    {
        await _fixture.WriteAllAsync();
        // A request five hours earlier that nothing touches afterwards.
        await _fixture.Writer.WriteAsync([Call(9, 1, parent: null, _fixture.Small, input: 10, output: 0, offsetSeconds: 0, hour: Hour.AddHours(-5))]);
        await _fixture.RollUpAsync();
        await AgeStoredSpansAsync();
        var watermark = new IngestWatermark(_fixture.DataSource);
        var (_, since) = await watermark.ReadAsync(_fixture.Rollups.Name, CancellationToken.None);

        // D's root started at 10:00; a retry of its call arrives late, started at 12:10.
        await _fixture.Writer.WriteAsync([Call(4, 9, parent: 1, _fixture.Small, input: 1000, output: 1000, offsetSeconds: 0, hour: Hour.AddHours(2).AddMinutes(10))]);

        // D's hours: 10:00 (its root and calls) and 12:00 (the retry); 11:00 holds none of its spans, 05:00 another trace.
        (await watermark.AffectedHoursAsync(since, CancellationToken.None)).Order().ShouldBe([Hour, Hour.AddHours(2)]);
        var result = await _fixture.RollUpAsync();
        result.Hours.ShouldBe(2);
    }

    [Fact]
    public async Task A_pass_that_fails_leaves_the_watermark_so_the_next_pass_recomputes_the_same_hours()
    {
        await _fixture.WriteAllAsync();
        await AgeStoredSpansAsync();
        var failing = new FailingOnce(_fixture.Rollups);
        var runner = new RollupRunner([failing], new IngestWatermark(_fixture.DataSource), NullLogger<RollupRunner>.Instance);

        await Should.ThrowAsync<InvalidOperationException>(() => runner.RunAsync(failing));
        var retried = await runner.RunAsync(failing);
        var after = await runner.RunAsync(failing);

        retried.Hours.ShouldBe(1);
        retried.RowsWritten.ShouldBeGreaterThan(0);
        after.Hours.ShouldBe(0);
        failing.Calls.ShouldBe([(Hour, Hour.AddHours(1)), (Hour, Hour.AddHours(1))]);
    }

    /// <summary>
    /// Moves the stored spans' ingestion an hour back. A pass looks at spans ingested from a little
    /// before its watermark (<see cref="IngestWatermark.Overlap"/>, for writes that committed late);
    /// aged, they are behind every later pass, as spans written minutes ago would be in production.
    /// </summary>
    private Task AgeStoredSpansAsync() => _fixture.Database.ExecuteAsync("UPDATE spans SET ingested_at = ingested_at - interval '1 hour'");

    /// <summary>The span rollup, whose first call fails before writing anything, as a pass killed half-way would.</summary>
    private sealed class FailingOnce(IHourlyRollup inner) : IHourlyRollup
    {
        public List<(DateTime From, DateTime To)> Calls { get; } = [];

        public string Name => inner.Name;

        public Task<long> RecomputeAsync(DateTime fromHour, DateTime toHour, CancellationToken cancellationToken)
        {
            Calls.Add((fromHour, toHour));
            return Calls.Count == 1
                ? throw new InvalidOperationException("the pass died")
                : inner.RecomputeAsync(fromHour, toHour, cancellationToken);
        }
    }
}
