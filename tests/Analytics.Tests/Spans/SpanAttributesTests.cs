using Microsoft.EntityFrameworkCore;
using Tollgate.Analytics.Dependencies;
using Tollgate.Analytics.Spans;
using Tollgate.Analytics.Storage;
using Tollgate.Analytics.Tests.Insights;
using static Tollgate.Testing.TestSpans;

namespace Tollgate.Analytics.Tests.Spans;

/// <summary>
/// Span attributes are stored as JSON text: written compactly by the receiver, or in jsonb's
/// spaced form where db/0025 converted older rows. The readers that look for a key find it in both.
/// </summary>
public sealed class SpanAttributesTests : InsightsDatabaseTest
{
    private static readonly DateTime H10 = new(2026, 11, 2, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Usage_coverage_counts_a_streamed_call_in_either_form_and_only_when_the_flag_is_true()
    {
        string?[] attributes =
        [
            """{"gen_ai.request.stream":true}""",
            """{"gen_ai.system": "openai", "llm.is_streaming": true}""",
            """{"llm.is_streaming":"true"}""",
            """{"gen_ai.request.stream":false}""",
            """{"note":"said \"llm.is_streaming\":true in a value"}""",
            null,
        ];
        await Writer.WriteAsync([.. attributes.Select((json, i) =>
        {
            var call = Chat(Project, i + 1, 2, 1, "chat-app", H10.AddMinutes(i), "openai", "gpt-4o", 0.01m);
            call.AttributesJson = json;
            return call;
        })]);
        await using var db = new TollgateDbContext(new DbContextOptionsBuilder<TollgateDbContext>().UseNpgsql(DataSource).Options);

        var coverage = await new SpanQuery(db).UsageCoverageAsync(Project, H10, H10.AddHours(1));

        coverage.Single().Calls.ShouldBe(6);
        coverage.Single().Streamed.ShouldBe(3);
    }

    [Fact]
    public async Task The_dependency_rollup_names_a_datastore_from_either_form_and_a_span_with_broken_attributes_is_drawn_without_one()
    {
        var compact = Span(Project, 1, 2, 1, "search", H10.AddSeconds(1));
        compact.AttributesJson = """{"db.system.name":"postgresql","db.system":"other"}""";
        var spaced = Span(Project, 2, 2, 1, "search", H10.AddSeconds(2));
        spaced.AttributesJson = """{"db.system": "redis", "server.port": 6379}""";
        var broken = Span(Project, 3, 2, 1, "search", H10.AddSeconds(3));
        broken.AttributesJson = """{"db.system": "mysql", """;
        await Writer.WriteAsync(
        [
            Root(Project, 1, 1, "gateway", H10), compact,
            Root(Project, 2, 1, "gateway", H10), spaced,
            Root(Project, 3, 1, "gateway", H10), broken,
        ]);

        await new DependencyRollup(DataSource).RecomputeHoursAsync(Project, H10, H10.AddHours(1));

        (await Database.ScalarAsync<string>("SELECT string_agg(target_node, ', ' ORDER BY target_node) FROM dependency_edges_hourly"))
            .ShouldBe("datastore:postgresql, datastore:redis, service:search");
    }

    [Theory]
    [InlineData("""{"db.system":"postgresql"}""", "postgresql")]
    [InlineData("""{"db.system.name": "mongodb", "db.system": "other"}""", "mongodb")]
    [InlineData("""{"db.system":7}""", "7")]
    [InlineData("""{"db.system":null}""", null)]
    [InlineData("""["db.system"]""", null)]
    [InlineData("""{"db.system":""", null)]
    [InlineData(null, null)]
    public void A_datastore_name_is_read_as_postgresql_would_read_it(string? attributes, string? expected) =>
        DependencySpanReader.DatastoreName(attributes).ShouldBe(expected);
}
