using Tollgate.Analytics.Metrics;
using Tollgate.Analytics.Time;

namespace Tollgate.Analytics.Tests.Metrics;

public sealed class KeyRollupPlanTests
{
    private static readonly DateTime Monday = new(2026, 11, 2, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Every_plan_counts_each_hour_of_its_window_once_and_no_hour_outside_it()
    {
        var random = new Random(7);
        for (var i = 0; i < 2_000; i++)
        {
            var from = Monday.AddHours(random.Next(0, 24 * 21));
            var to = from.AddHours(random.Next(1, 24 * 45));
            var plan = KeyRollupPlan.For(QueryWindow.Create(from, to));

            var counts = new Dictionary<DateTime, int>();
            foreach (var segment in plan)
            {
                AssertAligned(segment);
                for (var hour = segment.From; hour < segment.To; hour = hour.AddHours(1))
                {
                    counts[hour] = counts.GetValueOrDefault(hour) + segment.Sign;
                }
            }

            var wrong = counts.Where(c => c.Value != (c.Key >= from && c.Key < to ? 1 : 0))
                .Concat(Hours(from, to).Where(h => !counts.ContainsKey(h)).Select(h => KeyValuePair.Create(h, 0)))
                .ToList();
            wrong.ShouldBeEmpty($"window {from:O} to {to:O}: {string.Join(", ", plan)}");
        }
    }

    [Fact]
    public void A_window_starting_early_on_a_Monday_reads_that_week_less_its_first_hours()
    {
        // 05:00 on Monday 2 November to 21:00 on Tuesday 1 December: the benchmark's window.
        var plan = KeyRollupPlan.For(QueryWindow.Create(Monday.AddHours(5), new DateTime(2026, 12, 1, 21, 0, 0, DateTimeKind.Utc)));

        plan.ShouldContain(new KeySegment(KeyGrain.Weekly, Monday, Monday.AddDays(7), 1));
        plan.ShouldContain(new KeySegment(KeyGrain.Hourly, Monday, Monday.AddHours(5), -1));
        // The last partial day: Tuesday less its last three hours.
        plan.ShouldContain(new KeySegment(KeyGrain.Daily, new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 12, 2, 0, 0, 0, DateTimeKind.Utc), 1));
        plan.ShouldContain(new KeySegment(KeyGrain.Hourly, new DateTime(2026, 12, 1, 21, 0, 0, DateTimeKind.Utc), new DateTime(2026, 12, 2, 0, 0, 0, DateTimeKind.Utc), -1));
    }

    [Fact]
    public void A_few_hours_are_read_as_hours()
    {
        var plan = KeyRollupPlan.For(QueryWindow.Create(Monday.AddHours(10), Monday.AddHours(13)));

        plan.ShouldBe([new KeySegment(KeyGrain.Hourly, Monday.AddHours(10), Monday.AddHours(13), 1)]);
    }

    private static void AssertAligned(KeySegment segment)
    {
        switch (segment.Grain)
        {
            case KeyGrain.Weekly:
                (IsoWeek.Start(segment.From), IsoWeek.Start(segment.To)).ShouldBe((segment.From, segment.To), segment.ToString());
                break;
            case KeyGrain.Daily:
                (segment.From.TimeOfDay, segment.To.TimeOfDay).ShouldBe((TimeSpan.Zero, TimeSpan.Zero), segment.ToString());
                break;
            default:
                (UtcHour.Floor(segment.From), UtcHour.Floor(segment.To)).ShouldBe((segment.From, segment.To), segment.ToString());
                break;
        }
    }

    private static IEnumerable<DateTime> Hours(DateTime from, DateTime to)
    {
        for (var hour = from; hour < to; hour = hour.AddHours(1))
        {
            yield return hour;
        }
    }
}
