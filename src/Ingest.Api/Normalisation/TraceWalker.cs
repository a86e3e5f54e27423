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
        if (!_request.TryReadNext(RequestResourceSpans, "ExportTraceServiceRequest.resource_spans", out var resourceSpans))
        {
            return false;
        }

        _resourceSpans = new WireReader(_buffer, resourceSpans.Start, resourceSpans.Length);
        _scopes = new WireReader(_buffer, resourceSpans.Start, resourceSpans.Length);
        _resource = default;
        _spans = default;
        return true;
    }

    /// <summary>Reads the next attribute of the current resource; false after the last.</summary>
    public bool NextResourceAttribute(out ReadOnlySpan<byte> key, out WireValue value)
    {
        (int Start, int Length) keyValue;
        // Protobuf merges the repeats of a message field: the attributes of every Resource count.
        while (!_resource.TryReadNext(ResourceAttributes, "Resource.attributes", out keyValue))
        {
            if (!_resourceSpans.TryReadNext(ResourceSpansResource, "ResourceSpans.resource", out var resource))
            {
                key = default;
                value = default;
                return false;
            }

            _resource = new WireReader(_buffer, resource.Start, resource.Length);
        }

        var (keyStart, keyLength, read) = WireValue.ReadKeyValue(_buffer, keyValue.Start, keyValue.Length);
        key = _buffer.Slice(keyStart, keyLength);
        value = read;
        return true;
    }

    /// <summary>Moves to the current resource's next ScopeSpans, with its scope's name (empty without one); false after the last.</summary>
    public bool NextScope(out ReadOnlySpan<byte> scopeName)
    {
        if (!_scopes.TryReadNext(ResourceSpansScopeSpans, "ResourceSpans.scope_spans", out var scopeSpans))
        {
            scopeName = default;
            return false;
        }

        scopeName = ReadScopeName(scopeSpans);
        _spans = new WireReader(_buffer, scopeSpans.Start, scopeSpans.Length);
        return true;
    }

    /// <summary>Reads the current scope's next span, its attributes' slices into <paramref name="attributes"/>; false after the last.</summary>
    public bool NextSpan(List<(int Start, int Length)> attributes, out WireSpan span)
    {
        if (!_spans.TryReadNext(ScopeSpansSpans, "ScopeSpans.spans", out var message))
        {
            span = default;
            return false;
        }

        span = WireSpan.Read(_buffer, message.Start, message.Length, attributes);
        return true;
    }

    /// <summary>The name of a ScopeSpans' scope; where the scope or its name repeats, the first name found.</summary>
    private readonly ReadOnlySpan<byte> ReadScopeName((int Start, int Length) scopeSpans)
    {
        var reader = new WireReader(_buffer, scopeSpans.Start, scopeSpans.Length);
        while (reader.TryReadNext(ScopeSpansScope, "ScopeSpans.scope", out var scope))
        {
            var scopeReader = new WireReader(_buffer, scope.Start, scope.Length);
            if (scopeReader.TryReadNext(ScopeName, "InstrumentationScope.name", out var name))
            {
                return _buffer.Slice(name.Start, name.Length);
            }
        }

        return [];
    }
}
