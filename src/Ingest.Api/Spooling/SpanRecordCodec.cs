using Tollgate.Analytics.Spans;

namespace Tollgate.Ingest.Api.Spooling;

/// <summary>
/// One request's normalised, priced spans as the bytes of a spool record, and back. Inherited
/// attribution and billing are not kept: the writer resolves them over the stored trace on every
/// write, so a span leaves the spool as it left the normaliser.
/// </summary>
public static class SpanRecordCodec
{
    /// <summary>Bumped whenever the layout below changes; a record of another version is refused, never misread.</summary>
    private const byte Version = 1;

    public static byte[] Encode(IReadOnlyList<SpanRecord> spans)
    {
        using var stream = new MemoryStream(256 + spans.Count * 512);
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Version);
            writer.Write(spans.Count);
            foreach (var span in spans)
            {
                Write(writer, span);
            }
        }

        return stream.ToArray();
    }

    /// <exception cref="InvalidDataException">The bytes are not a record this version wrote.</exception>
    public static List<SpanRecord> Decode(ReadOnlyMemory<byte> payload)
    {
        try
        {
            using var stream = new MemoryStream(payload.ToArray(), writable: false);
            using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8);
            var version = reader.ReadByte();
            if (version != Version)
            {
                throw new InvalidDataException($"spool record version {version} is not {Version}");
            }

            var count = reader.ReadInt32();
            var spans = new List<SpanRecord>(Math.Clamp(count, 0, 65_536));
            for (var i = 0; i < count; i++)
            {
                spans.Add(Read(reader));
            }

            return stream.Position == stream.Length ? spans : throw new InvalidDataException("spool record has bytes after its last span");
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("spool record ends inside a span", ex);
        }
    }

    private static void Write(BinaryWriter w, SpanRecord s)
    {
        w.Write(s.ProjectId);
        WriteBytes(w, s.TraceId);
        WriteBytes(w, s.SpanId);
        WriteBytes(w, s.ParentSpanId);
        WriteText(w, s.Service);
        w.Write(s.Name);
        w.Write(s.Kind);
        w.Write(s.StartTime.Ticks);
        w.Write(s.EndTime.Ticks);
        w.Write(s.StatusCode);
        WriteText(w, s.StatusMessage);
        WriteText(w, s.Operation);
        WriteText(w, s.Provider);
        WriteText(w, s.Model);
        WriteNumber(w, s.InputTokens);
        WriteNumber(w, s.OutputTokens);
        WriteNumber(w, s.CacheReadTokens);
        WriteNumber(w, s.CacheWriteTokens);
        WriteNumber(w, s.ReasoningTokens);
        WriteMoney(w, s.ProvidedCostUsd);
        WriteMoney(w, s.ComputedCostUsd);
        WriteText(w, s.CostSource);
        WriteNumber(w, s.PriceId);
        w.Write((short)s.AttributionExplicit);
        WriteText(w, Own(s, Attribution.Team, s.Team));
        WriteText(w, Own(s, Attribution.Feature, s.Feature));
        WriteText(w, Own(s, Attribution.Customer, s.Customer));
        WriteText(w, s.UserId);
        WriteText(w, s.SessionId);
        WriteText(w, s.Agent);
        WriteText(w, s.Tool);
        w.Write(s.CacheHit);
        WriteText(w, s.RouteDecision);
        WriteText(w, s.RouteTier);
        w.Write(s.Fallback);
        w.Write(s.RetryAttempt);
        WriteText(w, s.AttributesJson);
        WriteText(w, s.ResponseId);
        w.Write(s.IsInference);
    }

    private static SpanRecord Read(BinaryReader r)
    {
        var projectId = r.ReadInt32();
        var span = new SpanRecord { ProjectId = projectId, TraceId = ReadBytes(r)!, SpanId = ReadBytes(r)!, ParentSpanId = ReadBytes(r) };
        span.Service = ReadText(r);
        span.Name = r.ReadString();
        span.Kind = r.ReadInt16();
        span.StartTime = new DateTime(r.ReadInt64(), DateTimeKind.Utc);
        span.EndTime = new DateTime(r.ReadInt64(), DateTimeKind.Utc);
        span.StatusCode = r.ReadInt16();
        span.StatusMessage = ReadText(r);
        span.Operation = ReadText(r);
        span.Provider = ReadText(r);
        span.Model = ReadText(r);
        span.InputTokens = ReadLong(r);
        span.OutputTokens = ReadLong(r);
        span.CacheReadTokens = ReadLong(r);
        span.CacheWriteTokens = ReadLong(r);
        span.ReasoningTokens = ReadLong(r);
        span.ProvidedCostUsd = ReadMoney(r);
        span.ComputedCostUsd = ReadMoney(r);
        span.CostSource = ReadText(r);
        span.PriceId = (int?)ReadLong(r);
        span.AttributionExplicit = (Attribution)r.ReadInt16();
        span.Team = ReadText(r);
        span.Feature = ReadText(r);
        span.Customer = ReadText(r);
        span.UserId = ReadText(r);
        span.SessionId = ReadText(r);
        span.Agent = ReadText(r);
        span.Tool = ReadText(r);
        span.CacheHit = r.ReadBoolean();
        span.RouteDecision = ReadText(r);
        span.RouteTier = ReadText(r);
        span.Fallback = r.ReadBoolean();
        span.RetryAttempt = r.ReadInt32();
        span.AttributesJson = ReadText(r);
        span.ResponseId = ReadText(r);
        span.IsInference = r.ReadBoolean();
        if (span.TraceId is null || span.SpanId is null)
        {
            throw new InvalidDataException("spool record holds a span without trace or span id");
        }

        return span;
    }

    private static string? Own(SpanRecord span, Attribution which, string? value) => (span.AttributionExplicit & which) != 0 ? value : null;

    private static void WriteBytes(BinaryWriter w, byte[]? value)
    {
        w.Write(value is null ? -1 : value.Length);
        if (value is not null)
        {
            w.Write(value);
        }
    }

    private static byte[]? ReadBytes(BinaryReader r)
    {
        var length = r.ReadInt32();
        return length < 0 ? null : length <= 64 ? r.ReadBytes(length) : throw new InvalidDataException("spool record holds an id longer than 64 bytes");
    }

    private static void WriteText(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null)
        {
            w.Write(value);
        }
    }

    private static string? ReadText(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    private static void WriteNumber(BinaryWriter w, long? value)
    {
        w.Write(value.HasValue);
        if (value is { } v)
        {
            w.Write(v);
        }
    }

    private static long? ReadLong(BinaryReader r) => r.ReadBoolean() ? r.ReadInt64() : null;

    private static void WriteMoney(BinaryWriter w, decimal? value)
    {
        w.Write(value.HasValue);
        if (value is { } v)
        {
            w.Write(v);
        }
    }

    private static decimal? ReadMoney(BinaryReader r) => r.ReadBoolean() ? r.ReadDecimal() : null;
}
