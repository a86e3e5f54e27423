using System.Text.Json;
using Tollgate.Testing;

namespace Tollgate.Ingest.Api.Tests.Interop;

/// <summary>
/// The instrumentation libraries people install, from npm, wrapping the official openai and
/// Anthropic clients (tests/Interop/js/genai-libraries.cjs): each makes one call to a fake provider
/// whose usage is known, and the bill Tollgate stores is checked to the cent.
/// </summary>
[Collection(IngestCollection.Name)]
public sealed class InstrumentationLibraryTests(IngestFixture fixture)
{
    // Anthropic: 1,000,000 uncached input, 200,000 cache read, 100,000 cache write, 300,000 output
    // on claude-haiku-4-5 at $1 / $0.10 / $1.25 / $5 per million: 1 + 0.02 + 0.125 + 1.5.
    private const decimal HaikuCall = 2.645m;

    // OpenAI: 1,200,000 prompt tokens of which 200,000 cached, 300,000 completion on gpt-4o-mini at
    // $0.15 / $0.075 / $0.60 per million: 0.15 + 0.015 + 0.18.
    private const decimal MiniCall = 0.345m;

    // The same call when the library drops the cached tokens: every prompt token at the full price.
    private const decimal MiniCallWithoutCache = 0.36m;

    public static TheoryData<string, decimal, int, string> Setups => new()
    {
        // set-up, billed cost of the trace, spans that report usage, what the case shows.
        // Every set-up makes one model call, so one span bills, with or without usage.
        { "anthropic-sdk", HaikuCall, 1, "the SDK's own tracing follows the conventions" },
        { "anthropic-sdk-stream", HaikuCall, 1, "streamed usage arrives on the SDK's span" },
        { "openinference-anthropic", HaikuCall, 2, "the library's span wraps the SDK's: one call, billed once" },
        { "openinference-anthropic-stream", HaikuCall, 2, "the same, streamed" },
        { "openllmetry-anthropic", HaikuCall, 2, "the library's span wraps the SDK's: the SDK's, innermost, bills" },
        { "openllmetry-anthropic-alone", HaikuCall, 1, "input without cache tokens, corrected by the quirks table" },
        { "openinference-openai", MiniCall, 1, "prompt tokens include the cached ones, as the conventions say" },
        { "openinference-openai-embedding", 0m, 0, "the embedding's model only in embedding.model_name, and no usage: it is free" },
        { "openllmetry-openai", MiniCallWithoutCache, 1, "the library drops cached tokens: the bill is overstated" },
        { "otel-openai", MiniCallWithoutCache, 1, "the library drops cached tokens: the bill is overstated" },
        { "openinference-openai-stream", 0m, 0, "the library sends no usage for a streamed call: it is free" },
        { "openllmetry-openai-stream", 0m, 0, "the library sends no usage for a streamed call: it is free" },
    };

    [Theory]
    [MemberData(nameof(Setups))]
    public async Task Each_library_call_is_billed_as_its_usage_says(string setup, decimal billed, int withUsage, string shows)
    {
        var (exitCode, output, errors) = await InteropScripts.RunAsync("genai-libraries.cjs",
            "--setup", setup, "--endpoint", fixture.App.OtlpHttpAddress.ToString().TrimEnd('/'), "--key", RunningApp.IngestKey);

        exitCode.ShouldBe(0, output + errors);
        using var result = JsonDocument.Parse(output);
        var spans = await fixture.SpansAsync(Convert.FromHexString(result.RootElement.GetProperty("traceId").GetString()!));

        var calls = spans.Where(s => s["input_tokens"] is not null || s["output_tokens"] is not null).ToList();
        var billing = spans.Where(s => (bool)s["billing"]!).ToList();
        spans.ShouldSatisfyAllConditions(
            () => calls.Count.ShouldBe(withUsage, shows),
            () => billing.Count.ShouldBe(1, shows),
            () => billing.Sum(s => s["computed_cost_usd"] as decimal? ?? 0m).ShouldBe(billed, shows),
            () => billing.ShouldAllBe(s => s["model"] != null, shows),
            () => spans.ShouldAllBe(s => (string?)s["service"] == "genai-" + setup));
    }

    [Fact]
    public async Task Every_setup_the_script_knows_is_tested()
    {
        var (exitCode, output, errors) = await InteropScripts.RunAsync("genai-libraries.cjs", "--list");

        exitCode.ShouldBe(0, errors);
        JsonSerializer.Deserialize<string[]>(output)!.Order().ShouldBe(Setups.Select(row => (string)row[0]).Order());
    }
}
