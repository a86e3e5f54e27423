using Tollgate.Ingest.Api.Otlp.Wire;

namespace Tollgate.Ingest.Api.Normalisation;

/// <summary>
/// Walks an ExportTraceServiceRequest in its protobuf bytes, level by level: each ResourceSpans,
/// the attributes of its resource, each of its ScopeSpans with the scope's name, and the spans of
/// that scope. Each field is checked for the wire type its schema gives it.
/// </summary>
/// <remarks>
/// A resource may follow its spans on the wire, so a ResourceSpans is read twice: once for its
/// resource's attributes, then once for its scopes. Read the attributes to their end first.
/// </remarks>
internal ref struct TraceWalker
{
    // Field numbers of opentelemetry.proto.collector.trace.v1, .trace.v1, .resource.v1 and .common.v1.
    private const int RequestResourceSpans = 1;
    private const int ResourceSpansResource = 1, ResourceSpansScopeSpans = 2;
    private const int ResourceAttributes = 1;
    private const int ScopeSpansScope = 1, ScopeSpansSpans = 2;
    private const int ScopeName = 1;

    private readonly ReadOnlySpan<byte> _buffer;
    private WireReader _request;
    private WireReader _resourceSpans;
    private WireReader _resource;
    private WireReader _scopes;
    private WireReader _spans;

    public TraceWalker(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _request = new WireReader(buffer, 0, buffer.Length);
    }

    /// <summary>Moves to the request's next ResourceSpans; false after the last.</summary>
    public bool NextResource()
    {
        while (_request.TryReadTag(out var field, out var wireType))
        {
            if (field != RequestResourceSpans)
            {
                _request.Skip(wireType);
                continue;
            }

            WireReader.Expect(wireType, WireReader.LengthDelimited, "ExportTraceServiceRequest.resource_spans");
            var (start, length) = _request.ReadLengthDelimited();
            _resourceSpans = new WireReader(_buffer, start, length);
            _scopes = new WireReader(_buffer, start, length);
            _resource = default;
            _spans = default;
            return true;
        }

        return false;
    }

    /// <summary>Reads the next attribute of the current resource; false after the last.</summary>
    public bool NextResourceAttribute(out ReadOnlySpan<byte> key, out WireValue value)
    {
        while (true)
        {
            while (_resource.TryReadTag(out var field, out var wireType))
            {
                if (field != ResourceAttributes)
                {
                    _resource.Skip(wireType);
                    continue;
                }

                WireReader.Expect(wireType, WireReader.LengthDelimited, "Resource.attributes");
                var (kvStart, kvLength) = _resource.ReadLengthDelimited();
                var (keyStart, keyLength, read) = WireValue.ReadKeyValue(_buffer, kvStart, kvLength);
                key = _buffer.Slice(keyStart, keyLength);
                value = read;
                return true;
            }

            if (!NextResourceMessage())
            {
                key = default;
                value = default;
                return false;
            }
        }
    }

    /// <summary>Moves to the current resource's next ScopeSpans, with its scope's name (empty without one); false after the last.</summary>
    public bool NextScope(out ReadOnlySpan<byte> scopeName)
    {
        while (_scopes.TryReadTag(out var field, out var wireType))
        {
            if (field != ResourceSpansScopeSpans)
            {
                _scopes.Skip(wireType);
                continue;
            }

            WireReader.Expect(wireType, WireReader.LengthDelimited, "ResourceSpans.scope_spans");
            var (start, length) = _scopes.ReadLengthDelimited();
            scopeName = ReadScopeName(start, length);
            _spans = new WireReader(_buffer, start, length);
            return true;
        }

        scopeName = default;
        return false;
    }

    /// <summary>Reads the current scope's next span, its attributes' slices into <paramref name="attributes"/>; false after the last.</summary>
    public bool NextSpan(List<(int Start, int Length)> attributes, out WireSpan span)
    {
        while (_spans.TryReadTag(out var field, out var wireType))
        {
            if (field != ScopeSpansSpans)
            {
                _spans.Skip(wireType);
                continue;
            }

            WireReader.Expect(wireType, WireReader.LengthDelimited, "ScopeSpans.spans");
            var (start, length) = _spans.ReadLengthDelimited();
            span = WireSpan.Read(_buffer, start, length, attributes);
            return true;
        }

        span = default;
        return false;
    }

    /// <summary>Moves to the current ResourceSpans' next Resource message (protobuf merges repeats of a message field).</summary>
    private bool NextResourceMessage()
    {
        while (_resourceSpans.TryReadTag(out var field, out var wireType))
        {
            if (field != ResourceSpansResource)
            {
                _resourceSpans.Skip(wireType);
                continue;
            }

            WireReader.Expect(wireType, WireReader.LengthDelimited, "ResourceSpans.resource");
            var (start, length) = _resourceSpans.ReadLengthDelimited();
            _resource = new WireReader(_buffer, start, length);
            return true;
        }

        return false;
    }

    /// <summary>The name of a ScopeSpans' scope; where the scope or its name repeats, the first name found.</summary>
    private readonly ReadOnlySpan<byte> ReadScopeName(int start, int length)
    {
        var scopeSpans = new WireReader(_buffer, start, length);
        while (scopeSpans.TryReadTag(out var field, out var wireType))
        {
            if (field != ScopeSpansScope)
            {
                scopeSpans.Skip(wireType);
                continue;
            }

            WireReader.Expect(wireType, WireReader.LengthDelimited, "ScopeSpans.scope");
            var (scopeStart, scopeLength) = scopeSpans.ReadLengthDelimited();
            var scope = new WireReader(_buffer, scopeStart, scopeLength);
            while (scope.TryReadTag(out var scopeField, out var scopeWireType))
            {
                if (scopeField != ScopeName)
                {
                    scope.Skip(scopeWireType);
                    continue;
                }

                WireReader.Expect(scopeWireType, WireReader.LengthDelimited, "InstrumentationScope.name");
                var (nameStart, nameLength) = scope.ReadLengthDelimited();
                return _buffer.Slice(nameStart, nameLength);
            }
        }

        return [];
    }
}
