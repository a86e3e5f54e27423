using Tollgate.Analytics.Configuration;
using Tollgate.Ingest.Api.Pipeline;

namespace Tollgate.Ingest.Api.Tests.Pipeline;

public sealed class AdmissionTests
{
    private static readonly IngestOptions Options = new() { MaxInFlightBytes = 16 * 1024 * 1024, MaxRequestBytes = 64 * 1024 * 1024 };

    [Fact]
    public void Requests_are_admitted_until_their_estimated_memory_exceeds_the_budget()
    {
        var admission = new Admission(Options);

        var first = admission.TryEnter(2 * 1024 * 1024, compressed: false);
        var second = admission.TryEnter(2 * 1024 * 1024, compressed: false);

        first.ShouldBe(8 * 1024 * 1024);
        second.ShouldBe(8 * 1024 * 1024);
        admission.TryEnter(1024, compressed: false).ShouldBeNull();
        admission.InFlightBytes.ShouldBe(16 * 1024 * 1024);
    }

    [Fact]
    public void Leaving_gives_the_room_back()
    {
        var admission = new Admission(Options);
        var reservation = admission.TryEnter(4 * 1024 * 1024, compressed: false)!.Value;

        admission.Leave(reservation);

        admission.InFlightBytes.ShouldBe(0);
        admission.TryEnter(4 * 1024 * 1024, compressed: false).ShouldNotBeNull();
    }

    [Fact]
    public void A_single_request_larger_than_the_budget_is_still_admitted_when_alone()
    {
        var admission = new Admission(Options);

        admission.TryEnter(10 * 1024 * 1024, compressed: true).ShouldNotBeNull();
        admission.TryEnter(1, compressed: false).ShouldBeNull();
    }
}
