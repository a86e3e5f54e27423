using System.Buffers.Binary;
using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace Tollgate.Ingest.Api.Spooling;

/// <summary>What became of an append.</summary>
public enum AppendResult
{
    /// <summary>Every record is on disk and fsynced.</summary>
    Appended,

    /// <summary>The records would take the spool past its size limit: none was written.</summary>
    Full,

    /// <summary>The disk refused the write (full, read-only, failing): none of the records counts.</summary>
    Failed,
}

/// <summary>A record waiting in the spool: where it lies, when it was appended, and its payload once read.</summary>
public sealed record SpoolRecord(long Segment, long Offset, long AppendedAtMs, byte[] Payload);

/// <summary>How full the spool is, for the health endpoint and the metrics.</summary>
public sealed record SpoolState(string Directory, long Bytes, long MaxBytes, long Records, TimeSpan OldestRecordAge, long Quarantined, bool Full);

/// <summary>
/// A bounded, append-only queue of records on local disk. One writer appends groups of records
/// and fsyncs once per group (group commit); one reader takes records in append order and removes
/// them once they are stored elsewhere. Records live in segment files; a segment whose records
/// are all removed is deleted. Opening the spool checks every record's checksum: a torn or
/// damaged tail is cut off (and kept in quarantine/ for inspection), never handed out.
/// </summary>
public sealed class Spool : IDisposable
{
    private const string SegmentExtension = ".seg";
    private const string CheckpointFile = "checkpoint";

    private readonly object _gate = new();
    private readonly Queue<Entry> _pending = new();
    private readonly SortedDictionary<long, Segment> _segments = [];
    private readonly long _maxBytes;
    private readonly long _segmentBytes;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FileStream _lock;
    private readonly string _quarantine;
    private readonly System.Threading.Channels.Channel<bool> _appended =
        System.Threading.Channels.Channel.CreateBounded<bool>(new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });

    private Segment? _writing;
    private long _nextSequence = 1;
    private bool _rollBeforeNextAppend;
    private long _diskBytes;
    private long _quarantined;
    private bool _full;

    private Spool(string directory, long maxBytes, long segmentBytes, TimeProvider time, ILogger logger, FileStream lockFile)
    {
        Directory = directory;
        _maxBytes = maxBytes;
        _segmentBytes = segmentBytes;
        _time = time;
        _logger = logger;
        _lock = lockFile;
        _quarantine = Path.Combine(directory, "quarantine");
    }

    public string Directory { get; }

    /// <summary>Records appended and not yet removed.</summary>
    public int PendingRecords
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>
    /// Opens (creating if need be) the spool in <paramref name="directory"/>, recovering what an
    /// earlier process left in it.
    /// </summary>
    /// <exception cref="SpoolInUseException">Another receiver holds the directory.</exception>
    public static Spool Open(string directory, long maxBytes, long segmentBytes, TimeProvider time, ILogger logger)
    {
        System.IO.Directory.CreateDirectory(directory);
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "quarantine"));
        FileStream lockFile;
        try
        {
            // Held open for the spool's life: on Unix .NET takes an advisory lock for FileShare.None.
            lockFile = new FileStream(Path.Combine(directory, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new SpoolInUseException(directory, ex);
        }

        var spool = new Spool(directory, maxBytes, segmentBytes, time, logger, lockFile);
        try
        {
            spool.Recover();
        }
        catch
        {
            spool.Dispose();
            throw;
        }

        return spool;
    }

    public SpoolState State
    {
        get
        {
            lock (_gate)
            {
                var age = _pending.TryPeek(out var oldest)
                    ? _time.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(oldest.AppendedAtMs)
                    : TimeSpan.Zero;
                return new SpoolState(Directory, _diskBytes, _maxBytes, _pending.Count, age < TimeSpan.Zero ? TimeSpan.Zero : age, _quarantined, _full);
            }
        }
    }

    /// <summary>
    /// Appends the payloads as records, in order, and fsyncs them once. Called by one writer at a time.
    /// </summary>
    public AppendResult Append(IReadOnlyList<byte[]> payloads)
    {
        var bytes = payloads.Sum(p => (long)SpoolFormat.HeaderLength + p.Length);
        lock (_gate)
        {
            // A group larger than a segment still goes in alone; the size limit holds for the whole spool.
            _full = _diskBytes + bytes > _maxBytes;
            if (_full)
            {
                return AppendResult.Full;
            }
        }

        try
        {
            var segment = _writing is { } current && !_rollBeforeNextAppend
                && (current.Length + bytes <= _segmentBytes || current.Length == SpoolFormat.MagicLength)
                ? current
                : StartSegment();
            var buffer = new byte[bytes];
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            var entries = new List<Entry>(payloads.Count);
            var at = 0;
            foreach (var payload in payloads)
            {
                SpoolFormat.WriteRecord(buffer.AsSpan(at), payload, now);
                entries.Add(new Entry(segment.Sequence, segment.Length + at, payload.Length, now));
                at += SpoolFormat.HeaderLength + payload.Length;
            }

            Write(segment, buffer);
            lock (_gate)
            {
                segment.Length += bytes;
                _diskBytes += bytes;
                foreach (var entry in entries)
                {
                    _pending.Enqueue(entry);
                }
            }

            _appended.Writer.TryWrite(true);
            return AppendResult.Appended;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogError("Could not write {Bytes} bytes to the spool in {Directory}: {Reason}", bytes, Directory, ex.Message);
            return AppendResult.Failed;
        }
    }

    /// <summary>Completes when the spool holds a record.</summary>
    public async Task WaitForRecordsAsync(CancellationToken cancellationToken)
    {
        while (PendingRecords == 0)
        {
            await _appended.Reader.ReadAsync(cancellationToken);
        }
    }

    /// <summary>
    /// The oldest records, in order, up to about <paramref name="maxBytes"/> of payload (always at
    /// least one when any is pending). They stay in the spool until <see cref="Remove"/>.
    /// </summary>
    public List<SpoolRecord> Peek(long maxBytes)
    {
        var chosen = new List<(Entry Entry, SafeFileHandle Handle)>();
        lock (_gate)
        {
            long total = 0;
            foreach (var entry in _pending)
            {
                if (chosen.Count > 0 && total + entry.Length > maxBytes)
                {
                    break;
                }

                chosen.Add((entry, _segments[entry.Segment].Handle));
                total += entry.Length;
            }
        }

        // Segments are deleted only by Remove, which the one reader calls: the handles stay open.
        return chosen.Select(c =>
        {
            var payload = new byte[c.Entry.Length];
            RandomAccess.Read(c.Handle, payload, c.Entry.Offset + SpoolFormat.HeaderLength);
            return new SpoolRecord(c.Entry.Segment, c.Entry.Offset, c.Entry.AppendedAtMs, payload);
        }).ToList();
    }

    /// <summary>
    /// Removes the <paramref name="count"/> oldest records (stored elsewhere now), deletes the
    /// segments that hold no more records, and notes where reading resumes after a restart.
    /// </summary>
    public void Remove(int count)
    {
        var done = new List<Segment>();
        (long Segment, long Offset) resume;
        lock (_gate)
        {
            for (var i = 0; i < count && _pending.Count > 0; i++)
            {
                _pending.Dequeue();
            }

            resume = _pending.TryPeek(out var next) ? (next.Segment, next.Offset) : (_writing?.Sequence ?? 0, _writing?.Length ?? 0);
            foreach (var segment in _segments.Values.Where(s => s.Sequence < resume.Segment && s != _writing).ToList())
            {
                _segments.Remove(segment.Sequence);
                _diskBytes -= segment.Length;
                done.Add(segment);
            }

            _full = false;
        }

        foreach (var segment in done)
        {
            segment.Handle.Dispose();
            File.Delete(segment.Path);
        }

        WriteCheckpoint(resume);
    }

    /// <summary>Moves a record the database will never take aside, so that replay goes on past it.</summary>
    public void Quarantine(SpoolRecord record, string reason)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"{record.Segment:D12}-{record.Offset:D12}");
        var bytes = new byte[SpoolFormat.MagicLength + SpoolFormat.HeaderLength + record.Payload.Length];
        SpoolFormat.Magic.CopyTo(bytes);
        SpoolFormat.WriteRecord(bytes.AsSpan(SpoolFormat.MagicLength), record.Payload, record.AppendedAtMs);
        File.WriteAllBytes(Path.Combine(_quarantine, name + SegmentExtension), bytes);
        File.WriteAllText(Path.Combine(_quarantine, name + ".reason"), reason);
        Interlocked.Increment(ref _quarantined);
        _logger.LogError("A spooled record ({Bytes} bytes) was refused by the database and moved to {File}: {Reason}",
            record.Payload.Length, Path.Combine(_quarantine, name + SegmentExtension), reason);
    }

    private Segment StartSegment()
    {
        // A number is used once, even when its file could not be made.
        var sequence = _nextSequence++;
        var path = Path.Combine(Directory, string.Create(CultureInfo.InvariantCulture, $"{sequence:D12}{SegmentExtension}"));
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
        var segment = new Segment(sequence, path, handle) { Length = 0 };
        try
        {
            Write(segment, SpoolFormat.Magic.ToArray());
            DirectorySync.Flush(Directory);
        }
        catch (IOException)
        {
            handle.Dispose();
            File.Delete(path);
            throw;
        }

        lock (_gate)
        {
            segment.Length = SpoolFormat.MagicLength;
            _diskBytes += SpoolFormat.MagicLength;
            _segments.Add(sequence, segment);
            _writing = segment;
        }

        _rollBeforeNextAppend = false;
        return segment;
    }

    private void Write(Segment segment, byte[] bytes)
    {
        try
        {
            RandomAccess.Write(segment.Handle, bytes, segment.Length);
            RandomAccess.FlushToDisk(segment.Handle);
        }
        catch (IOException)
        {
            // Whatever part reached the file is not a record: cut it, and begin the next append in
            // a fresh segment so that no good record ever follows a bad one.
            try
            {
                RandomAccess.SetLength(segment.Handle, segment.Length);
            }
            catch (IOException)
            {
                // Recovery cuts what is left at the first record that fails its checksum.
            }

            _rollBeforeNextAppend = true;
            throw;
        }
    }

    private void WriteCheckpoint((long Segment, long Offset) resume)
    {
        // Not fsynced: a lost checkpoint only replays records again, which the writer drops as already stored.
        var bytes = new byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, resume.Segment);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), resume.Offset);
        var temporary = Path.Combine(Directory, CheckpointFile + ".new");
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, Path.Combine(Directory, CheckpointFile), overwrite: true);
    }

    private (long Segment, long Offset) ReadCheckpoint()
    {
        var path = Path.Combine(Directory, CheckpointFile);
        var bytes = File.Exists(path) ? File.ReadAllBytes(path) : [];
        return bytes.Length == 16
            ? (BinaryPrimitives.ReadInt64LittleEndian(bytes), BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8)))
            : (0, 0);
    }

    private void Recover()
    {
        var resume = ReadCheckpoint();
        var files = System.IO.Directory.GetFiles(Directory, "*" + SegmentExtension)
            .Select(path => (Path: path, Sequence: long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1))
            .Where(f => f.Sequence > 0)
            .OrderBy(f => f.Sequence)
            .ToList();
        foreach (var (path, sequence) in files)
        {
            var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            var segment = new Segment(sequence, path, handle);
            var pendingBefore = _pending.Count;
            segment.Length = Scan(segment, sequence < resume.Segment ? long.MaxValue : sequence == resume.Segment ? resume.Offset : 0);
            if (_pending.Count == pendingBefore)
            {
                handle.Dispose();
                File.Delete(path);
                continue;
            }

            _segments.Add(sequence, segment);
            _diskBytes += segment.Length;
        }

        // Appends always begin a segment of their own after those recovered.
        _nextSequence = files.Count > 0 ? files[^1].Sequence + 1 : 1;
        try
        {
            StartSegment();
        }
        catch (IOException ex)
        {
            // A full disk at start-up: replay can still free it, and the first append tries again.
            _logger.LogError("Could not begin a spool segment in {Directory}: {Reason}", Directory, ex.Message);
        }

        if (_pending.Count > 0)
        {
            _logger.LogWarning("The spool in {Directory} holds {Records} records from before; they are replayed in order", Directory, _pending.Count);
        }
    }

    /// <summary>
    /// Reads a segment's records, queueing those at or after <paramref name="resumeAt"/>, and
    /// cuts the file at the first record that is torn or damaged. Returns the length kept.
    /// </summary>
    private long Scan(Segment segment, long resumeAt)
    {
        var fileLength = RandomAccess.GetLength(segment.Handle);
        var magic = new byte[SpoolFormat.MagicLength];
        if (fileLength < SpoolFormat.MagicLength || RandomAccess.Read(segment.Handle, magic, 0) != magic.Length || !magic.AsSpan().SequenceEqual(SpoolFormat.Magic))
        {
            Cut(segment, 0, fileLength, "it does not begin as a spool segment");
            return 0;
        }

        var offset = (long)SpoolFormat.MagicLength;
        var header = new byte[SpoolFormat.HeaderLength];
        while (offset < fileLength)
        {
            var length = fileLength - offset >= SpoolFormat.HeaderLength && RandomAccess.Read(segment.Handle, header, offset) == header.Length
                ? SpoolFormat.PayloadLength(header)
                : -1;
            if (length < 0 || offset + SpoolFormat.HeaderLength + length > fileLength)
            {
                Cut(segment, offset, fileLength, "the last record is incomplete");
                return offset;
            }

            var record = new byte[SpoolFormat.HeaderLength + length];
            RandomAccess.Read(segment.Handle, record, offset);
            if (!SpoolFormat.IsIntact(record))
            {
                Cut(segment, offset, fileLength, "a record fails its checksum");
                return offset;
            }

            if (offset >= resumeAt)
            {
                _pending.Enqueue(new Entry(segment.Sequence, offset, length, SpoolFormat.AppendedAtMs(header)));
            }

            offset += record.Length;
        }

        return offset;
    }

    private void Cut(Segment segment, long from, long to, string why)
    {
        var kept = Path.Combine(_quarantine, string.Create(CultureInfo.InvariantCulture, $"{segment.Sequence:D12}-{from:D12}.cut"));
        var bytes = new byte[to - from];
        RandomAccess.Read(segment.Handle, bytes, from);
        File.WriteAllBytes(kept, bytes);
        RandomAccess.SetLength(segment.Handle, from);
        RandomAccess.FlushToDisk(segment.Handle);
        _logger.LogWarning("Spool segment {Segment} was cut at byte {Offset} because {Why}; the {Bytes} bytes cut are kept in {File}",
            segment.Path, from, why, to - from, kept);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var segment in _segments.Values)
            {
                segment.Handle.Dispose();
            }

            _segments.Clear();
        }

        _lock.Dispose();
    }

    private readonly record struct Entry(long Segment, long Offset, int Length, long AppendedAtMs);

    private sealed class Segment(long sequence, string path, SafeFileHandle handle)
    {
        public long Sequence { get; } = sequence;
        public string Path { get; } = path;
        public SafeFileHandle Handle { get; } = handle;
        public long Length { get; set; }
    }
}

/// <summary>Another receiver (or another process) holds the spool directory.</summary>
public sealed class SpoolInUseException(string directory, Exception inner)
    : Exception($"the spool directory {directory} is in use by another Tollgate receiver: give each receiver its own (Tollgate:Ingest:Spool:Directory)", inner);
