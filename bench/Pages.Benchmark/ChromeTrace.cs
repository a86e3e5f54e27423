using System.Text.Json;
using Microsoft.Playwright;

namespace Tollgate.Pages.Benchmark;

/// <summary>
/// A Chrome performance trace of one page load, through the DevTools protocol: the main thread's
/// parsing, style, script and paint work, to open in chrome://tracing or Perfetto.
/// </summary>
internal sealed class ChromeTrace
{
    private const string Categories = "devtools.timeline,disabled-by-default-devtools.timeline,blink.user_timing,loading,v8.execute";
    private readonly ICDPSession _session;
    private readonly List<JsonElement> _events = [];
    private readonly TaskCompletionSource _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChromeTrace(ICDPSession session)
    {
        _session = session;
        session.Event("Tracing.dataCollected").OnEvent += (_, data) =>
        {
            if (data is { } message)
            {
                _events.AddRange(message.GetProperty("value").EnumerateArray().Select(e => e.Clone()));
            }
        };
        session.Event("Tracing.tracingComplete").OnEvent += (_, _) => _complete.TrySetResult();
    }

    public static async Task<ChromeTrace> StartAsync(IBrowserContext context, IPage page)
    {
        var trace = new ChromeTrace(await context.NewCDPSessionAsync(page));
        await trace._session.SendAsync("Tracing.start", new() { ["categories"] = Categories, ["transferMode"] = "ReportEvents" });
        return trace;
    }

    /// <summary>Ends the trace and writes it to <paramref name="path"/> in the trace-event format.</summary>
    public async Task StopAsync(string path)
    {
        await _session.SendAsync("Tracing.end");
        await _complete.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, new { traceEvents = _events });
        await _session.DetachAsync();
    }
}
