using Tollgate.Analytics.Jobs;

namespace Tollgate.Analytics.Tests.Jobs;

public sealed class JobScheduleTests
{
    [Theory]
    [InlineData(1, "* * * * * *")]
    [InlineData(15, "*/15 * * * * *")]
    [InlineData(60, "0 * * * * *")]
    [InlineData(300, "0 */5 * * * *")]
    [InlineData(3600, "0 0 * * * *")]
    public void An_interval_that_divides_the_clock_becomes_a_cron_expression(int seconds, string cron) =>
        JobSchedule.Every(TimeSpan.FromSeconds(seconds)).ShouldBe(cron);

    [Theory]
    [InlineData(0)]
    [InlineData(45)]
    [InlineData(90)]
    [InlineData(420)]
    [InlineData(7200)]
    public void An_interval_that_would_fire_unevenly_is_refused(int seconds)
    {
        JobSchedule.IsEven(TimeSpan.FromSeconds(seconds)).ShouldBeFalse();
        Should.Throw<ArgumentOutOfRangeException>(() => JobSchedule.Every(TimeSpan.FromSeconds(seconds)));
    }
}
