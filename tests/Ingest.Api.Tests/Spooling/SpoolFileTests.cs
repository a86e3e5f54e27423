using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Ingest.Api.Spooling;

namespace Tollgate.Ingest.Api.Tests.Spooling;

/// <summary>The spool's files on their own: order, reopening, torn and damaged records, the size limit, segment deletion.</summary>
public sealed class SpoolFileTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tollgate-spool-test-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private Spool Open(long maxBytes = 1024 * 1024, long segmentBytes = 64 * 1024) =>
        Spool.Open(_directory, maxBytes, segmentBytes, TimeProvider.System, NullLogger.Instance);

    private static byte[] Payload(int n, int size = 100) => Encoding.UTF8.GetBytes($"record {n:D6} ".PadRight(size, (char)('a' + (n % 26))));

    private static List<string> Texts(IEnumerable<SpoolRecord> records) => records.Select(r => Encoding.UTF8.GetString(r.Payload)).ToList();

    private static List<string> Expected(IEnumerable<int> numbers) => numbers.Select(n => Encoding.UTF8.GetString(Payload(n))).ToList();

    private string[] Segments() => Directory.GetFiles(_directory, "*.seg").Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Records_come_back_in_append_order_after_the_spool_is_reopened()
    {
        using (var spool = Open())
        {
            spool.Append([Payload(1), Payload(2)]).ShouldBe(AppendResult.Appended);
            spool.Append([Payload(3)]).ShouldBe(AppendResult.Appended);
        }

        using var reopened = Open();

        reopened.PendingRecords.ShouldBe(3);
        Texts(reopened.Peek(long.MaxValue)).ShouldBe(Expected([1, 2, 3]));
    }

    [Fact]
    public void Records_removed_after_replay_are_not_handed_out_again_after_reopening()
    {
        using (var spool = Open())
        {
            spool.Append([Payload(1), Payload(2), Payload(3)]);
            spool.Peek(long.MaxValue).Count.ShouldBe(3);
            spool.Remove(2);
        }

        using var reopened = Open();

        Texts(reopened.Peek(long.MaxValue)).ShouldBe(Expected([3]));
    }

    [Fact]
    public void A_record_torn_by_a_crash_is_cut_and_the_records_before_it_are_kept()
    {
        using (var spool = Open())
        {
            spool.Append([Payload(1), Payload(2), Payload(3)]);
        }

        // The third record's last 40 bytes never reached the disk.
        var segment = Segments().Single();
        var length = new FileInfo(segment).Length;
        using (var file = new FileStream(segment, FileMode.Open))
        {
            file.SetLength(length - 40);
        }

        using var reopened = Open();

        Texts(reopened.Peek(long.MaxValue)).ShouldBe(Expected([1, 2]));
        new FileInfo(segment).Length.ShouldBe(length - SpoolFormat.HeaderLength - Payload(3).Length);
        Directory.GetFiles(Path.Combine(_directory, "quarantine"), "*.cut").Length.ShouldBe(1);
    }

    [Fact]
    public void A_record_whose_bytes_were_flipped_fails_its_checksum_and_is_cut_with_what_follows()
    {
        using (var spool = Open())
        {
            spool.Append([Payload(1), Payload(2), Payload(3)]);
        }

        var segment = Segments().Single();
        var bytes = File.ReadAllBytes(segment);
        var secondPayload = SpoolFormat.MagicLength + SpoolFormat.HeaderLength + Payload(1).Length + SpoolFormat.HeaderLength;
        bytes[secondPayload + 10] ^= 0x5A;
        bytes[secondPayload + 11] ^= 0x01;
        File.WriteAllBytes(segment, bytes);

        using var reopened = Open();

        Texts(reopened.Peek(long.MaxValue)).ShouldBe(Expected([1]));
        reopened.Append([Payload(4)]).ShouldBe(AppendResult.Appended);
        Texts(reopened.Peek(long.MaxValue)).ShouldBe(Expected([1, 4]));
    }

    [Fact]
    public void A_length_that_runs_past_the_end_of_the_file_is_a_torn_tail_not_a_record()
    {
        using (var spool = Open())
        {
            spool.Append([Payload(1)]);
        }

        var segment = Segments().Single();
        using (var file = new FileStream(segment, FileMode.Append))
        {
            // A header announcing a million bytes, and no more.
            file.Write([0x40, 0x42, 0x0F, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        }

        using var reopened = Open();

        Texts(reopened.Peek(long.MaxValue)).ShouldBe(Expected([1]));
    }

    [Fact]
    public void Appends_past_the_size_limit_are_refused_as_full_until_replay_frees_room()
    {
        using var spool = Open(maxBytes: 128 * 1024, segmentBytes: 16 * 1024);
        var appended = 0;
        while (spool.Append([Payload(appended, 1000)]) == AppendResult.Appended)
        {
            appended++;
            appended.ShouldBeLessThan(1000, "the spool never filled");
        }

        spool.State.Full.ShouldBeTrue();
        spool.State.Bytes.ShouldBeLessThanOrEqualTo(128 * 1024);
        spool.PendingRecords.ShouldBe(appended);

        spool.Remove(spool.Peek(long.MaxValue).Count);

        spool.State.Full.ShouldBeFalse();
        spool.Append([Payload(0, 1000)]).ShouldBe(AppendResult.Appended);
    }

    [Fact]
    public void Segments_are_deleted_once_every_record_in_them_is_replayed()
    {
        using var spool = Open(segmentBytes: 64 * 1024);
        for (var i = 0; i < 200; i++)
        {
            spool.Append([Payload(i, 1000)]);
        }

        var before = Segments();
        before.Length.ShouldBeGreaterThan(2);

        var firstSegment = spool.Peek(long.MaxValue).TakeWhile(r => r.Segment == 1).Count();
        spool.Remove(firstSegment);

        Segments().ShouldBe(before.Skip(1));

        spool.Remove(spool.PendingRecords);

        // The segment being written to stays, empty of records; the others are gone.
        Segments().ShouldBe([before[^1]]);
        spool.State.Records.ShouldBe(0);
        spool.State.Bytes.ShouldBe(new FileInfo(before[^1]).Length);
    }

    [Fact]
    public void Peek_takes_records_up_to_the_byte_limit_but_always_one()
    {
        using var spool = Open();
        spool.Append([Payload(1, 500), Payload(2, 500), Payload(3, 500)]);

        spool.Peek(1000).Count.ShouldBe(2);
        spool.Peek(10).Count.ShouldBe(1);
    }

    [Fact]
    public void The_state_reports_records_bytes_and_the_age_of_the_oldest_record()
    {
        using var spool = Open();
        spool.State.Records.ShouldBe(0);
        spool.State.OldestRecordAge.ShouldBe(TimeSpan.Zero);

        spool.Append([Payload(1), Payload(2)]);

        spool.State.Records.ShouldBe(2);
        spool.State.Bytes.ShouldBe(SpoolFormat.MagicLength + 2 * (SpoolFormat.HeaderLength + Payload(1).Length));
        spool.State.OldestRecordAge.ShouldBeGreaterThanOrEqualTo(TimeSpan.Zero);
    }

    [Fact]
    public void A_segment_the_disk_refuses_fails_the_append_alone_and_the_next_append_goes_on_in_a_fresh_segment()
    {
        using var spool = Open(segmentBytes: 64 * 1024);
        spool.Append([Payload(1, 60 * 1024)]).ShouldBe(AppendResult.Appended);
        // The next segment's name is taken by something that is not a segment (as the disk refusing would make it fail).
        File.CreateSymbolicLink(Path.Combine(_directory, "000000000002.seg"), "/dev/full");

        spool.Append([Payload(2, 10 * 1024)]).ShouldBe(AppendResult.Failed);
        spool.Append([Payload(3, 10 * 1024)]).ShouldBe(AppendResult.Appended);

        spool.PendingRecords.ShouldBe(2);
        File.Exists(Path.Combine(_directory, "000000000003.seg")).ShouldBeTrue();
    }

    [Fact]
    public void A_second_receiver_cannot_open_a_directory_in_use()
    {
        using var spool = Open();

        Should.Throw<SpoolInUseException>(() => Open()).Message.ShouldContain("Tollgate:Ingest:Spool:Directory");
    }
}
