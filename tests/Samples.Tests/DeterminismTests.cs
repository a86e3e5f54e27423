using OpenTelemetry;
using OpenTelemetry.Trace;
using Tollgate.OrchestratedApp.Demo;

namespace Tollgate.Samples.Tests;

[Collection(SampleSources.Name)]
public sealed class DeterminismTests
{
    [Fact]
    public void The_same_seed_generates_the_same_mix_and_another_seed_a_different_one()
    {
        var options = new DemoOptions { Days = 1, RequestsPerDay = 120, Seed = 11, EndDayUtc = new DateTime(2026, 11, 1) };

        var first = Summary(options);

        Summary(options).ShouldBe(first);
        Summary(options with { Seed = 12 }).ShouldNotBe(first);
    }

    [Fact]
    public void Rates_that_add_up_to_more_than_every_request_are_refused()
    {
        new DemoOptions { CacheRate = 0.9, FallbackRate = 0.2 }.Validate().ShouldNotBeNull();
        new DemoOptions().Validate().ShouldBeNull();
    }

    // Spans go to providers without exporters: the mix, not the transport, is under test here.
    private static string Summary(DemoOptions options) =>
        new DemoGenerator(options, (_, source) => Sdk.CreateTracerProviderBuilder().AddSource(source).Build()).Run().Summary(options);
}
