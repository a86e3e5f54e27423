using System.Net.Http.Headers;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tollgate.Analytics.Pricing;
using Tollgate.Ingest.Api.Otlp.Proto;
using Tollgate.Testing;

namespace Tollgate.Ingest.Api.Tests;

/// <summary>One running receiver (the standalone process) with known test prices, shared by the ingest tests.</summary>
public sealed class IngestFixture : IAsyncLifetime
{
    /// <summary>Prices of the test models, USD per million tokens.</summary>
    public const decimal MiniIn = 0.15m, MiniOut = 0.60m, MiniCacheRead = 0.075m;
    public const decimal HaikuIn = 1.00m, HaikuOut = 5.00m, HaikuCacheRead = 0.10m, HaikuCacheWrite = 1.25m;

    public RunningApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await RunningApp.StartAsync(a => IngestApp.BuildAsync(a), settings: new Dictionary<string, string>
        {
            ["Tollgate:Ingest:MaxRequestBytes"] = (4 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        // Custom prices effective from yesterday outrank the seed catalogue for spans sent now,
        // so these tests do not change when the shipped catalogue is updated.
        await App.Database.ExecuteAsync($"""
            INSERT INTO prices (provider, model, input_per_mtok, output_per_mtok, cache_read_per_mtok, cache_write_per_mtok, tier, effective_from, origin)
            VALUES ('openai', 'gpt-4o-mini', {MiniIn}, {MiniOut}, {MiniCacheRead}, NULL, 'small', now() - interval '1 day', 'custom'),
                   ('anthropic', 'claude-haiku-4-5', {HaikuIn}, {HaikuOut}, {HaikuCacheRead}, {HaikuCacheWrite}, 'small', now() - interval '1 day', 'custom')
            """);
        await App.App.Services.GetRequiredService<CurrentPrices>().RefreshAsync();
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    public HttpClient OtlpClient(string? key = RunningApp.IngestKey)
    {
        var client = new HttpClient { BaseAddress = App.OtlpHttpAddress };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    public async Task<HttpResponseMessage> PostProtobufAsync(ExportTraceServiceRequest request, string path = "/v1/traces")
    {
        using var client = OtlpClient();
        using var content = new ByteArrayContent(request.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        return await client.PostAsync(new Uri(path, UriKind.Relative), content);
    }

    /// <summary>The stored spans of a trace, as rows of column name → value.</summary>
    public async Task<List<Dictionary<string, object?>>> SpansAsync(byte[] traceId)
    {
        await using var connection = new NpgsqlConnection(App.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT * FROM spans WHERE trace_id = $1 ORDER BY start_time, name", connection);
        command.Parameters.Add(new() { Value = traceId });
        var rows = new List<Dictionary<string, object?>>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new Dictionary<string, object?>();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }
}

[CollectionDefinition(Name)]
public sealed class IngestCollection : ICollectionFixture<IngestFixture>
{
    public const string Name = "ingest";
}
