using Tollgate.Dashboard.Web.Components.Display;

namespace Tollgate.Dashboard.Web.Tests.Components;

public sealed class FormatTests
{
    [Theory]
    [InlineData("1234.56", "$1,234.56")]
    [InlineData("1234.565", "$1,234.57")]
    [InlineData("0.0042", "$0.0042")]
    [InlineData("0.00045", "$0.00045")]
    [InlineData("0.123456", "$0.12")]
    [InlineData("0.5", "$0.50")]
    [InlineData("0.075", "$0.075")]
    [InlineData("0", "$0.00")]
    [InlineData("-3.5", "-$3.50")]
    [InlineData("0.000000001", "$0.00")]
    public void Money_has_cents_and_keeps_two_significant_digits_below_a_dollar(string amount, string expected) =>
        Format.Money(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(expected);

    [Fact]
    public void Missing_money_and_tokens_show_a_dash()
    {
        Format.Money(null).ShouldBe("–");
        Format.Tokens(null).ShouldBe("–");
    }

    [Theory]
    [InlineData(950, "950")]
    [InlineData(1_000, "1k")]
    [InlineData(12_300, "12.3k")]
    [InlineData(999_999, "1M")]
    [InlineData(4_500_000, "4.5M")]
    [InlineData(1_200_000_000, "1.2B")]
    public void Token_counts_are_short(long count, string expected) => Format.Tokens(count).ShouldBe(expected);

    [Theory]
    [InlineData(0.4, "0.4 ms")]
    [InlineData(120, "120 ms")]
    [InlineData(1_250, "1.25 s")]
    [InlineData(125_000, "2m 05s")]
    [InlineData(3_720_000, "1h 02m")]
    [InlineData(-5, "0 ms")]
    public void Durations_pick_their_unit(double milliseconds, string expected) =>
        Format.Duration(TimeSpan.FromMilliseconds(milliseconds)).ShouldBe(expected);

    [Fact]
    public void Counts_have_thousands_separators() => Format.Count(1_234_567).ShouldBe("1,234,567");
}
