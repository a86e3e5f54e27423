namespace Tollgate.OrchestratedApp.Demo;

/// <summary>Request times within a UTC day: busiest in working hours, quiet at night.</summary>
public static class Schedule
{
    // Relative traffic per hour of the day (UTC), a business-hours curve.
    private static readonly int[] HourWeights = [1, 1, 1, 1, 1, 2, 3, 5, 8, 10, 10, 10, 9, 10, 10, 10, 9, 7, 5, 4, 3, 2, 2, 1];
    private static readonly int TotalWeight = HourWeights.Sum();

    public static List<DateTimeOffset> Day(Random random, DateTime dayUtc, int requests)
    {
        var times = new List<DateTimeOffset>(requests);
        for (var i = 0; i < requests; i++)
        {
            var pick = random.Next(TotalWeight);
            var hour = 0;
            while ((pick -= HourWeights[hour]) >= 0)
            {
                hour++;
            }

            var offset = TimeSpan.FromHours(hour) + TimeSpan.FromMilliseconds(random.Next(0, 3_600_000));
            times.Add(new DateTimeOffset(DateTime.SpecifyKind(dayUtc.Date, DateTimeKind.Utc) + offset));
        }

        times.Sort();
        return times;
    }
}
