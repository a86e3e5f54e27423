using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Tollgate.Analytics.Spans;
using Tollgate.Ingest.Api.Pipeline;
using Tollgate.Testing;

namespace Tollgate.Ingest.Api.Tests.Pipeline;

[Collection(IngestCollection.Name)]
public sealed class WriteQueueTests(IngestFixture fixture)
{
    [Fact]
    public async Task A_request_the_database_refuses_fails_alone_and_the_requests_committed_with_it_are_stored()
    {
        var project = await fixture.App.Database.ScalarAsync<int>("SELECT min(id) FROM projects");
        var writer = fixture.App.App.Services.GetRequiredService<SpanWriter>();
        await using var queue = new WriteQueue(writer, NullLogger<WriteQueue>.Instance, capacitySpans: 100_000, maxGroupSpans: 16_384);
        var start = DateTime.UtcNow.AddMinutes(-1);
        // Trace numbers of their own, far from other tests'. A NUL in a name is what the
        // normaliser cleans; written straight to the queue, PostgreSQL refuses it.
        var traces = Enumerable.Range(880_000, 30).ToList();
        List<SpanRecord> Batch(int trace)
        {
            var span = TestSpans.Root(project, trace, 1, "gateway", start);
            if (trace % 10 == 0)
            {
                span.Name = "bad\0name";
            }

            return [span];
        }

        // Hold the writer on a first batch while the others queue up, so that they are committed
        // as one group with refused requests in it.
        await using var blocker = new NpgsqlConnection(fixture.App.Database.ConnectionString);
        await blocker.OpenAsync();
        var transaction = await blocker.BeginTransactionAsync();
        await new NpgsqlCommand("LOCK TABLE spans IN ACCESS EXCLUSIVE MODE", blocker, transaction).ExecuteNonQueryAsync();
        var first = queue.WriteAsync(Batch(879_999));
        await WaitUntilAsync(async () => first.IsCompleted || await fixture.App.Database.SessionsWaitingOnLocksAsync() > 0);
        var pending = traces.Select(t => queue.WriteAsync(Batch(t))).ToList();
        await transaction.RollbackAsync();
        var outcomes = await Task.WhenAll(pending);

        (await first).Failure.ShouldBe(WriteFailure.None);

        for (var i = 0; i < traces.Count; i++)
        {
            var stored = await fixture.App.Database.ScalarAsync<long>(
                $"SELECT count(*) FROM spans WHERE trace_id = '\\x{Convert.ToHexString(TestSpans.TraceId(traces[i]))}'");
            if (traces[i] % 10 == 0)
            {
                outcomes[i].Failure.ShouldBe(WriteFailure.Unstorable);
                outcomes[i].Reason.ShouldNotBeNull().ShouldContain("SQLSTATE 22");
                stored.ShouldBe(0);
            }
            else
            {
                outcomes[i].Failure.ShouldBe(WriteFailure.None);
                stored.ShouldBe(1);
            }
        }
    }

    [Fact]
    public async Task Groups_without_a_common_trace_are_written_at_once_and_a_group_sharing_one_waits_for_it()
    {
        var project = await fixture.App.Database.ScalarAsync<int>("SELECT min(id) FROM projects");
        var writer = fixture.App.App.Services.GetRequiredService<SpanWriter>();
        await using var queue = new WriteQueue(writer, NullLogger<WriteQueue>.Instance, capacitySpans: 100_000, maxGroupSpans: 16_384);
        var start = DateTime.UtcNow.AddMinutes(-1);
        var (shared, other) = (881_001, 881_002);
        var waitingBefore = await fixture.App.Database.SessionsWaitingOnLocksAsync();

        await using var blocker = new NpgsqlConnection(fixture.App.Database.ConnectionString);
        await blocker.OpenAsync();
        var transaction = await blocker.BeginTransactionAsync();
        await new NpgsqlCommand("LOCK TABLE spans IN ACCESS EXCLUSIVE MODE", blocker, transaction).ExecuteNonQueryAsync();
        // The root sets the trace's team; its group waits on the lock.
        var root = queue.WriteAsync([TestSpans.Root(project, shared, 1, "gateway", start, team: "search")]);
        await Eventually.TrueAsync(async () => root.IsCompleted || await fixture.App.Database.SessionsWaitingOnLocksAsync() > waitingBefore,
            TimeSpan.FromSeconds(30), "The first group waiting on the lock");
        // A group of another trace does not wait for it: it is written on a second connection and waits on the lock too.
        var unrelated = queue.WriteAsync([TestSpans.Root(project, other, 1, "gateway", start, team: "billing")]);
        await Eventually.TrueAsync(async () => unrelated.IsCompleted || await fixture.App.Database.SessionsWaitingOnLocksAsync() > waitingBefore + 1,
            TimeSpan.FromSeconds(30), "A second group, of another trace, written beside the first (two sessions waiting on the lock)");
        // A child of the first trace must see its root stored to inherit the team: it waits for that group.
        var child = queue.WriteAsync([TestSpans.Span(project, shared, 2, parent: 1, "gateway", start.AddMilliseconds(5))]);
        await transaction.RollbackAsync();

        (await root).Failure.ShouldBe(WriteFailure.None);
        (await unrelated).Failure.ShouldBe(WriteFailure.None);
        (await child).Failure.ShouldBe(WriteFailure.None);
        (await fixture.App.Database.ScalarAsync<string>(
            $"SELECT string_agg(DISTINCT coalesce(team, '(none)'), ',') FROM spans WHERE trace_id = '\\x{Convert.ToHexString(TestSpans.TraceId(shared))}'"))
            .ShouldBe("search");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the writer never started its first batch");
            await Task.Delay(50);
        }
    }
}
