using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Tollgate.Analytics.Spans;
using Tollgate.Analytics.Storage;
using Tollgate.Testing;

namespace Tollgate.Analytics.Tests.Spans;

/// <summary>The span table's COPY encoder against a real server: what it writes reads back as written, and as Npgsql's own parameters would have stored it.</summary>
public sealed class BinaryCopyWriterTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private NpgsqlDataSource _dataSource = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _dataSource = _database.CreateDataSource();
    }

    public async Task DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await _database.DisposeAsync();
    }

    public static TheoryData<string> Decimals() =>
    [
        "0", "0.00", "1", "-1", "0.0001", "0.00012", "-0.5", "1.10", "10000", "9999.9999", "12345.678", "100000000.000000001",
        "123456789.0123456789", "0.0000000000000000000000000001", "79228162514264337593543950335", "-79228162514264337593543950335",
        "7.9228162514264337593543950335", "-0.000000042",
    ];

    [Theory]
    [MemberData(nameof(Decimals))]
    public async Task A_decimal_is_stored_with_the_value_and_scale_that_Npgsql_parameters_give(string text)
    {
        var value = decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        await _database.ExecuteAsync("CREATE TABLE numbers (n numeric)");
        await using var connection = await _dataSource.OpenConnectionAsync();
        await CopyAsync(connection, "COPY numbers (n) FROM STDIN (FORMAT BINARY)", rows =>
        {
            rows.StartRow(1);
            rows.Numeric(value);
        });

        await using var read = new NpgsqlCommand("SELECT n, n::text, $1::numeric::text FROM numbers", connection) { Parameters = { new() { Value = value } } };
        await using var reader = await read.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        reader.GetDecimal(0).ShouldBe(value);
        reader.GetString(1).ShouldBe(reader.GetString(2), $"{text} as stored by COPY, against the same value sent as a parameter");
    }

    [Fact]
    public async Task Every_column_type_reads_back_as_written_and_nulls_stay_null()
    {
        await _database.ExecuteAsync("""
            CREATE TABLE everything (s smallint, i integer, b bigint, ok boolean, raw bytea, t text, at timestamptz, n numeric, ni integer, nb bigint, nt text, nraw bytea, nn numeric)
            """);
        var longText = string.Concat(Enumerable.Repeat("ç€😀 <script>'\"", 20_000));
        var times = new[]
        {
            new DateTime(2026, 11, 2, 10, 15, 30, DateTimeKind.Utc).AddTicks(1_234_567),
            new DateTime(1999, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc),
            new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        };
        var rows = times.Select((at, i) => (
            S: (short)(i == 0 ? short.MinValue : short.MaxValue - i), I: i == 0 ? int.MinValue : int.MaxValue - i, B: i == 0 ? long.MinValue : long.MaxValue - i,
            Ok: i % 2 == 0, Raw: i == 0 ? Array.Empty<byte>() : Enumerable.Range(0, 300).Select(b => (byte)(b * i)).ToArray(),
            T: i switch { 0 => "", 1 => "plain", _ => longText }, At: at, N: -12.5m * i)).ToList();

        await using var connection = await _dataSource.OpenConnectionAsync();
        // A small first buffer, so the long text makes it grow.
        await CopyAsync(connection, "COPY everything FROM STDIN (FORMAT BINARY)", writer =>
        {
            foreach (var row in rows)
            {
                writer.StartRow(13);
                writer.Int16(row.S);
                writer.Int32(row.I);
                writer.Int64(row.B);
                writer.Boolean(row.Ok);
                writer.Bytes(row.Raw);
                writer.Text(row.T);
                writer.TimestampTz(row.At);
                writer.Numeric(row.N);
                writer.Int32(null);
                writer.Int64(null);
                writer.Text(null);
                writer.Bytes(null);
                writer.Numeric(null);
            }
        });

        await using var read = new NpgsqlCommand("SELECT * FROM everything ORDER BY at DESC", connection);
        await using var reader = await read.ExecuteReaderAsync();
        foreach (var row in rows.OrderByDescending(r => r.At))
        {
            (await reader.ReadAsync()).ShouldBeTrue();
            reader.GetInt16(0).ShouldBe(row.S);
            reader.GetInt32(1).ShouldBe(row.I);
            reader.GetInt64(2).ShouldBe(row.B);
            reader.GetBoolean(3).ShouldBe(row.Ok);
            ((byte[])reader.GetValue(4)).ShouldBe(row.Raw);
            reader.GetString(5).ShouldBe(row.T);
            // timestamptz keeps microseconds: the tenth of a microsecond in the first time is dropped.
            reader.GetDateTime(6).ShouldBe(new DateTime(row.At.Ticks - (row.At.Ticks % 10), DateTimeKind.Utc));
            reader.GetDecimal(7).ShouldBe(row.N);
            for (var column = 8; column < 13; column++)
            {
                reader.IsDBNull(column).ShouldBeTrue($"column {reader.GetName(column)}");
            }
        }

        (await reader.ReadAsync()).ShouldBeFalse();
    }

    [Fact]
    public void A_time_that_is_not_UTC_is_refused_before_anything_is_written()
    {
        using var writer = new BinaryCopyWriter(256);

        Should.Throw<ArgumentException>(() => writer.TimestampTz(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Unspecified)))
            .Message.ShouldContain("UTC");
        writer.Length.ShouldBe(0);
    }

    [Fact]
    public async Task A_span_that_cannot_be_encoded_abandons_the_COPY_with_its_own_error_and_stores_nothing()
    {
        await new SchemaMigrator(_dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        var at = new DateTime(2026, 11, 2, 10, 0, 0, DateTimeKind.Utc);
        await new SpanPartitions(_dataSource, NullLogger<SpanPartitions>.Instance).EnsureAsync(at, at);
        SpanRecord Span(byte id, DateTime start) => new() { ProjectId = 1, TraceId = Ids.Trace(id), SpanId = Ids.Span(id), Name = "chat", StartTime = start, EndTime = at };
        await using var connection = await _dataSource.OpenConnectionAsync();

        var error = await Should.ThrowAsync<ArgumentException>(() =>
            SpanColumns.CopyAsync(connection, [Span(1, at), Span(2, DateTime.SpecifyKind(at, DateTimeKind.Local))], CancellationToken.None));

        error.Message.ShouldContain("UTC");
        (await _database.ScalarAsync<long>("SELECT count(*) FROM spans")).ShouldBe(0);
        // The connection is still usable: the COPY was abandoned, not left half open.
        await SpanColumns.CopyAsync(connection, [Span(1, at)], CancellationToken.None);
        (await _database.ScalarAsync<long>("SELECT count(*) FROM spans")).ShouldBe(1);
    }

    private static async Task CopyAsync(NpgsqlConnection connection, string command, Action<BinaryCopyWriter> write)
    {
        using var writer = new BinaryCopyWriter(256);
        writer.WriteHeader();
        write(writer);
        writer.WriteTrailer();
        await using var copy = await connection.BeginRawBinaryCopyAsync(command);
        await copy.WriteAsync(writer.Written);
    }
}
