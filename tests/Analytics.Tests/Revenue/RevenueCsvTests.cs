using Tollgate.Analytics.Revenue;

namespace Tollgate.Analytics.Tests.Revenue;

public sealed class RevenueCsvTests
{
    private static (List<RevenueLine> Lines, List<string> Errors) Parse(string text) => RevenueCsv.Parse(new StringReader(text));

    [Fact]
    public void A_good_file_reads_every_line_with_columns_in_any_order()
    {
        var (lines, errors) = Parse("""
            amountUsd,Feature,periodStart,periodEnd,customer
            1200.50,answers,2026-11-01,2026-12-01,acme
            "3,000",summaries,2026-11-01T00:00:00Z,2026-12-01T00:00:00Z,
            """);

        errors.ShouldBeEmpty();
        lines.Count.ShouldBe(2);
        lines[0].ShouldBe(new RevenueLine("answers", "acme", Utc(2026, 11, 1), Utc(2026, 12, 1), 1200.50m));
        lines[1].AmountUsd.ShouldBe(3000m);
        lines[1].Customer.ShouldBeNull();
    }

    [Fact]
    public void Every_bad_line_is_reported_with_its_number_and_reason()
    {
        var (lines, errors) = Parse("""
            feature,customer,periodStart,periodEnd,amountUsd
            answers,acme,2026-11-01,2026-12-01,100
            ,acme,2026-11-01,2026-12-01,100
            answers,acme,yesterday,2026-12-01,100
            answers,acme,2026-12-01,2026-11-01,100
            answers,acme,2026-11-01,2026-12-01,$100
            answers,acme,2026-11-01,2026-12-01,-5
            """);

        lines.Count.ShouldBe(1);
        errors.ShouldBe([
            "line 3: feature is required (at most 256 characters)",
            "line 4: periodStart 'yesterday' is not a date (use ISO-8601, e.g. 2026-11-01)",
            "line 5: periodEnd must be after periodStart",
            "line 6: amountUsd '$100' is not a number (use a dot for decimals, no currency sign)",
            "line 7: amountUsd must not be negative",
        ]);
    }

    [Fact]
    public void A_line_repeating_an_earlier_ones_feature_customer_and_period_is_refused_with_both_line_numbers()
    {
        var (_, errors) = Parse("""
            feature,customer,periodStart,periodEnd,amountUsd
            answers,acme,2026-11-01,2026-12-01,100
            answers,,2026-11-01,2026-12-01,100
            answers, acme ,2026-11-01T00:00:00Z,2026-12-01,150
            answers,,2026-11-01,2026-12-01,7
            """);

        errors.ShouldBe([
            "line 4: repeats the feature, customer and period of line 2; keep one",
            "line 5: repeats the feature, customer and period of line 3; keep one",
        ]);
    }

    [Fact]
    public void A_missing_column_or_an_empty_file_says_what_the_header_must_name()
    {
        Parse("feature,amountUsd\nanswers,1\n").Errors.ShouldHaveSingleItem().ShouldStartWith("line 1: missing column(s) periodstart, periodend");
        Parse("").Errors.ShouldHaveSingleItem().ShouldContain("the file is empty");
        Parse("feature,periodStart,periodEnd,amountUsd\n").Errors.ShouldHaveSingleItem().ShouldBe("the file names its columns but holds no revenue lines; nothing to store");
    }

    [Fact]
    public void Quoted_fields_keep_commas_quotes_and_line_breaks()
    {
        var rows = CsvRows.Read(new StringReader("a,\"b,1\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",x,\n")).ToList();

        rows.Count.ShouldBe(2);
        rows[0].Fields.ShouldBe(["a", "b,1", "say \"hi\""]);
        rows[1].Line.ShouldBe(2);
        rows[1].Fields.ShouldBe(["multi\nline", "x", ""]);
    }

    [Fact]
    public void An_unclosed_quote_is_an_error_naming_its_line()
    {
        var (_, errors) = Parse("feature,periodStart,periodEnd,amountUsd\n\"answers,2026-11-01,2026-12-01,1\n");

        errors.ShouldContain("line 2: a quoted field is not closed");
    }

    private static DateTime Utc(int y, int m, int d) => new(y, m, d, 0, 0, 0, DateTimeKind.Utc);
}
