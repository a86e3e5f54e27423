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
