namespace Tollgate.Testing;

/// <summary>Waiting on a condition, for what background work (jobs, deliveries, other processes) does in its own time.</summary>
public static class Eventually
{
    /// <summary>
    /// Polls <paramref name="condition"/> until it holds; fails with a <see cref="TimeoutException"/>
    /// naming <paramref name="what"/> after <paramref name="within"/>, followed by what
    /// <paramref name="explain"/> says of the state things were left in.
    /// </summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan within, string what = "The condition", Func<Task<string>>? explain = null)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                var explanation = explain is null ? "" : "\n" + await explain();
                throw new TimeoutException($"{what} did not come true within {within.TotalSeconds:0} s.{explanation}");
            }

            await Task.Delay(50);
        }
    }
}
