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

        first!.Bytes.ShouldBe(8 * 1024 * 1024);
        second!.Bytes.ShouldBe(8 * 1024 * 1024);
        admission.TryEnter(1024, compressed: false).ShouldBeNull();
        admission.InFlightBytes.ShouldBe(16 * 1024 * 1024);
    }

    [Fact]
    public void Leaving_gives_the_room_back()
    {
        var admission = new Admission(Options);
        var reservation = admission.TryEnter(4 * 1024 * 1024, compressed: false)!;

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

    [Fact]
    public void A_compressed_body_that_inflates_past_what_is_left_is_refused_while_a_lone_one_may_grow()
    {
        var admission = new Admission(Options);
        // Two 256 KiB gzip bodies: 4 MiB reserved each (wire x 4 x 4).
        var first = admission.TryEnter(256 * 1024, compressed: true)!;
        var second = admission.TryEnter(256 * 1024, compressed: true)!;

        // The first inflates to 2 MiB: 8 MiB of the 16 MiB budget, still room.
        admission.TryGrow(first, 2 * 1024 * 1024).ShouldBeTrue();
        first.Bytes.ShouldBe(8 * 1024 * 1024);
        // The second inflating to 3 MiB would need 12 MiB: past the budget while the first holds 8.
        admission.TryGrow(second, 3 * 1024 * 1024).ShouldBeFalse();
        admission.InFlightBytes.ShouldBe(12 * 1024 * 1024);
        admission.Leave(second);

        // Alone, a request may grow past the budget (up to the request limit), so a large batch is never refused for ever.
        admission.TryGrow(first, 10 * 1024 * 1024).ShouldBeTrue();
        admission.Leave(first);
        admission.InFlightBytes.ShouldBe(0);
    }
}
