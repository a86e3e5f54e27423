using Microsoft.Extensions.DependencyInjection;
using Tollgate.Analytics.Spans;
using Tollgate.Testing;

namespace Tollgate.EndToEnd;

/// <summary>Spans written into the shared app's database, and removed again so that other tests see an empty one.</summary>
internal static class Seed
{
    public static Task<int> DefaultProjectAsync(RunningApp app) =>
        app.Database.ScalarAsync<int>("SELECT id FROM projects WHERE name = 'default'")!;

    public static async Task WriteAsync(RunningApp app, IReadOnlyList<SpanRecord> spans)
    {
        var writer = app.App.Services.GetService<SpanWriter>() ?? ActivatorUtilities.CreateInstance<SpanWriter>(app.App.Services);
        await writer.WriteAsync(spans);
    }

    public static async Task RemoveSpansAsync(RunningApp app)
    {
        await app.Database.ExecuteAsync("DELETE FROM spans");
        await app.Database.ExecuteAsync("DELETE FROM dependency_edges_hourly");
    }

    /// <summary>Polls until the condition holds, for what the app's background workers do.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not become true in time.");
            }

            await Task.Delay(250);
        }
    }
}
