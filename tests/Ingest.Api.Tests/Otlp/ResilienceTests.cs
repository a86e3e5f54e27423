using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Google.Protobuf;
using Npgsql;
using Tollgate.Analytics.Keys;
using Tollgate.Ingest.Api.Keys;
using Tollgate.Ingest.Api.Otlp;
using Tollgate.Ingest.Api.Otlp.Proto;
using Tollgate.Ingest.Api.Pipeline;
using RpcStatus = Tollgate.Ingest.Api.Otlp.Rpc.Status;
using Tollgate.Testing;
using static Tollgate.Ingest.Api.Tests.OtlpBuilder;

namespace Tollgate.Ingest.Api.Tests.Otlp;

/// <summary>Overload and outages: the right status and Retry-After, nothing acknowledged that is not stored.</summary>
public sealed class ResilienceTests
{
    internal static ExportTraceServiceRequest Batch(byte[] trace, int spans) =>
        Request(Enumerable.Range(0, spans).Select(_ => Span(trace, NewSpanId(), null, "step", DateTime.UtcNow.AddSeconds(-5),
            ("gen_ai.usage.input_tokens", 10))).ToList());

    private static readonly Dictionary<string, string> WithoutSpool = new() { ["Tollgate:Ingest:Spool:Enabled"] = "false" };

    internal static async Task<HttpResponseMessage> PostAsync(RunningApp app, ExportTraceServiceRequest request, string key = RunningApp.IngestKey)
    {
        using var client = new HttpClient { BaseAddress = app.OtlpHttpAddress };
        client.DefaultRequestHeaders.Add("x-api-key", key);
        var content = new ByteArrayContent(request.ToByteArray());
        content.Headers.ContentType = new("application/x-protobuf");
        return await client.PostAsync(new Uri("/v1/traces", UriKind.Relative), content);
    }

    private static Task<long> CountAsync(RunningApp app, byte[] trace) =>
        app.Database.ScalarAsync<long>($"SELECT count(*) FROM spans WHERE trace_id = '\\x{Convert.ToHexString(trace)}'");

    [Fact]
    public async Task Without_a_spool_when_the_database_goes_away_exporters_get_503_and_the_process_recovers()
    {
        await using var app = await RunningApp.StartAsync(a => IngestApp.BuildAsync(a), settings: WithoutSpool);
        var before = NewTraceId();
        (await PostAsync(app, Batch(before, 3))).StatusCode.ShouldBe(HttpStatusCode.OK);

        await app.Database.SetConnectionsAllowedAsync(allowed: false);
        var during = NewTraceId();
        var refused = await PostAsync(app, Batch(during, 3));
        await app.Database.SetConnectionsAllowedAsync(allowed: true);

        refused.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        refused.Headers.RetryAfter!.Delta.ShouldNotBeNull();
        RpcStatus.Parser.ParseFrom(await refused.Content.ReadAsByteArrayAsync()).Message.ShouldContain("cannot reach its database");
        (await PostAsync(app, Batch(NewTraceId(), 3))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await CountAsync(app, before)).ShouldBe(3);
        (await CountAsync(app, during)).ShouldBe(0);
    }

    [Fact]
    public async Task Without_a_spool_under_load_through_a_database_outage_every_acknowledged_span_is_stored_exactly_once()
    {
        await using var app = await RunningApp.StartAsync(a => IngestApp.BuildAsync(a), settings: WithoutSpool);
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<byte[]>();
        var refused = new System.Collections.Concurrent.ConcurrentBag<byte[]>();
        var unexpected = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        using var stop = new CancellationTokenSource();
        async Task SendUntilStoppedAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                var trace = NewTraceId();
                var status = (await PostAsync(app, Batch(trace, 20))).StatusCode;
                (status switch { HttpStatusCode.OK => acknowledged, HttpStatusCode.ServiceUnavailable => refused, _ => null })?.Add(trace);
                if (status is not (HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable))
                {
                    unexpected.Add(status);
                }
            }
        }

        var senders = Enumerable.Range(0, 4).Select(_ => Task.Run(SendUntilStoppedAsync)).ToList();
        await WaitUntilAsync(() => acknowledged.Count >= 20);
        await app.Database.SetConnectionsAllowedAsync(allowed: false);
        await WaitUntilAsync(() => refused.Count >= 20);
        await app.Database.SetConnectionsAllowedAsync(allowed: true);
        var beforeRecovery = acknowledged.Count;
        await WaitUntilAsync(() => acknowledged.Count >= beforeRecovery + 20);
        await stop.CancelAsync();
        await Task.WhenAll(senders);

        unexpected.ShouldBeEmpty();
        refused.Count.ShouldBeGreaterThanOrEqualTo(20, "the outage should have refused requests");
        acknowledged.Count.ShouldBeGreaterThanOrEqualTo(beforeRecovery + 20, "requests should be stored again after the outage");
        var stored = await StoredPerTraceAsync(app.Database);
        // Acknowledged: all 20 spans, once each (the key is unique). Refused: nothing, or all of it
        // when the commit went through but the answer was lost with the connection.
        acknowledged.Select(t => stored.GetValueOrDefault(Convert.ToHexString(t))).ShouldAllBe(n => n == 20);
        refused.Select(t => stored.GetValueOrDefault(Convert.ToHexString(t))).ShouldAllBe(n => n == 0 || n == 20);
    }

    internal static async Task<Dictionary<string, long>> StoredPerTraceAsync(TestDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT trace_id, count(*) FROM spans GROUP BY trace_id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            counts[Convert.ToHexString((byte[])reader[0])] = reader.GetInt64(1);
        }

        return counts;
    }

    [Fact]
    public async Task A_full_queue_answers_503_at_once_and_the_queued_batch_is_still_stored()
    {
        await using var app = await RunningApp.StartAsync(a => IngestApp.BuildAsync(a), settings: new Dictionary<string, string>
        {
            ["Tollgate:Ingest:QueueCapacitySpans"] = "1000",
        });
        await using var blocker = new NpgsqlConnection(app.Database.ConnectionString);
        await blocker.OpenAsync();
        var transaction = await blocker.BeginTransactionAsync();
        await new NpgsqlCommand("LOCK TABLE spans IN ACCESS EXCLUSIVE MODE", blocker, transaction).ExecuteNonQueryAsync();

        var queued = NewTraceId();
        var first = PostAsync(app, Batch(queued, 600));
        await WaitUntilAsync(async () => first.IsCompleted || await app.Database.SessionsWaitingOnLocksAsync() > 0);
        var second = await PostAsync(app, Batch(NewTraceId(), 600));
        await transaction.RollbackAsync();

        second.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        second.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(1));
        (await first).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await CountAsync(app, queued)).ShouldBe(600);
    }

    /// <summary>A request body handed to the receiver as a transport would, kept so the test can look at it afterwards.</summary>
    private sealed class HeldBody(byte[] payload) : IOtlpBodySource
    {
        public OtlpBody? Body { get; private set; }

        public long? DeclaredLength => payload.Length;

        public bool Compressed => false;

        public Task<OtlpBody> ReadAsync(Admission admission, Admission.Reservation reservation, CancellationToken cancellationToken)
        {
            Body = OtlpBody.Copy(new System.Buffers.ReadOnlySequence<byte>(payload));
            return Task.FromResult(Body);
        }
    }

    [Fact]
    public async Task A_request_waiting_for_its_commit_has_given_its_body_buffer_back_to_the_pool()
    {
        await using var app = await RunningApp.StartAsync(a => IngestApp.BuildAsync(a), settings: WithoutSpool);
        var receiver = app.App.Services.GetRequiredService<OtlpReceiver>();
        var grant = await app.App.Services.GetRequiredService<IngestKeyStore>().FindAsync(RunningApp.IngestKey, CancellationToken.None);
        await using var blocker = new NpgsqlConnection(app.Database.ConnectionString);
        await blocker.OpenAsync();
        var transaction = await blocker.BeginTransactionAsync();
        await new NpgsqlCommand("LOCK TABLE spans IN ACCESS EXCLUSIVE MODE", blocker, transaction).ExecuteNonQueryAsync();

        var trace = NewTraceId();
        var source = new HeldBody(Batch(trace, 50).ToByteArray());
        var receiving = receiver.ReceiveAsync(Signal.Traces, json: false, grant!, source, CancellationToken.None);
        await WaitUntilAsync(async () => receiving.IsCompleted || await app.Database.SessionsWaitingOnLocksAsync() > 0);

        // The spans wait on the lock, decoded; the body's pooled buffer, several times their size
        // on a large batch, is already back in the pool (reading it now would be a use after free).
        receiving.IsCompleted.ShouldBeFalse();
        Should.Throw<ObjectDisposedException>(() => source.Body!.Memory);
        await transaction.RollbackAsync();
        (await receiving).Status.ShouldBe(ExportStatus.Ok);
        (await CountAsync(app, trace)).ShouldBe(50);
    }

    [Fact]
    public async Task Concurrent_gzip_bombs_are_refused_as_they_inflate_and_leave_nothing_reserved()
    {
        await using var app = await RunningApp.StartAsync(a => IngestApp.BuildAsync(a), settings: new Dictionary<string, string>
        {
            ["Tollgate:Ingest:MaxInFlightBytes"] = (256L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        // 60 MiB of zeros, about 60 KiB compressed: under the 64 MiB limit, so only the memory budget can stop it early.
        using var compressed = new MemoryStream();
        await using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(new byte[60 * 1024 * 1024]);
        }

        var bomb = compressed.ToArray();
        async Task<HttpResponseMessage> SendBombAsync()
        {
            using var client = new HttpClient { BaseAddress = app.OtlpHttpAddress };
            client.DefaultRequestHeaders.Add("x-api-key", RunningApp.IngestKey);
            var content = new ByteArrayContent(bomb);
            content.Headers.ContentType = new("application/x-protobuf");
            content.Headers.ContentEncoding.Add("gzip");
            return await client.PostAsync(new Uri("/v1/traces", UriKind.Relative), content);
        }

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => SendBombAsync()));

        // Each inflating body claims four times its size: at most one fits the 256 MiB budget at a time.
        responses.Select(r => r.StatusCode).ShouldAllBe(s => s == HttpStatusCode.BadRequest || s == HttpStatusCode.ServiceUnavailable);
        responses.Count(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ShouldBeGreaterThan(0);
        responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ShouldAllBe(r => r.Headers.RetryAfter != null);
        // A handler gives its reservation back just after its answer is sent.
        var admission = app.App.Services.GetRequiredService<Admission>();
        await WaitUntilAsync(() => admission.InFlightBytes == 0);
        admission.InFlightBytes.ShouldBe(0);
        (await PostAsync(app, Batch(NewTraceId(), 3))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_key_over_its_rate_limit_gets_429_with_retry_after()
    {
        await using var app = await RunningApp.StartAsync(a => IngestApp.BuildAsync(a));
        const string slowKey = "tg_ingest_slow_key_for_rate_limit_test";
        await app.Database.ExecuteAsync($"""
            INSERT INTO ingest_keys (project_id, name, key_hash, key_prefix, rate_limit_per_second)
            VALUES (1, 'slow', '\x{Convert.ToHexString(KeyHasher.Hash(slowKey))}', 'tg_ingest_sl…', 10)
            """);

        var first = await PostAsync(app, Batch(NewTraceId(), 20), slowKey);
        var second = await PostAsync(app, Batch(NewTraceId(), 20), slowKey);

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        second.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        second.Headers.RetryAfter!.Delta!.Value.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_revoked_key_is_refused()
    {
        await using var app = await RunningApp.StartAsync(a => IngestApp.BuildAsync(a));
        const string revoked = "tg_ingest_revoked_key_for_this_test";
        await app.Database.ExecuteAsync($"""
            INSERT INTO ingest_keys (project_id, name, key_hash, key_prefix, revoked_at)
            VALUES (1, 'old', '\x{Convert.ToHexString(KeyHasher.Hash(revoked))}', 'tg_ingest_re…', now())
            """);

        (await PostAsync(app, Batch(NewTraceId(), 1), revoked)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    /// <summary>Polls until the condition holds or a minute has passed; the assertions that follow say what did not happen.</summary>
    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (!await condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }
}
