namespace Tollgate.Ingest.Api.Otlp;

/// <summary>
/// An OTLP request body that cannot be decoded. The message names the place and the problem in
/// plain words and quotes at most a short piece of the bad value, so it is safe to return to the
/// sender and to log.
/// </summary>
public sealed class OtlpDecodeException : Exception
{
    public OtlpDecodeException()
        : this("The OTLP request could not be decoded.")
    {
    }

    public OtlpDecodeException(string message)
        : this(message, innerException: null)
    {
    }

    public OtlpDecodeException(string message, Exception? innerException)
        : this(message, path: "", innerException)
    {
    }

    private OtlpDecodeException(string problem, string path, Exception? innerException)
        : base(path.Length == 0 ? problem : $"{path}: {problem}", innerException)
    {
        Problem = problem;
        Path = path;
    }

    /// <summary>Where the problem is, in OTLP/JSON names (<c>resourceSpans[0].scopeSpans[0].spans[2].traceId</c>); empty for the whole body.</summary>
    public string Path { get; }

    /// <summary>The message without the path.</summary>
    public string Problem { get; }

    /// <summary>The same problem one level further out: <paramref name="segment"/> is a field name or an index like <c>[2]</c>.</summary>
    internal OtlpDecodeException Within(string segment)
    {
        var path = Path.Length == 0 ? segment
            : Path[0] == '[' ? segment + Path
            : segment + "." + Path;
        return new OtlpDecodeException(Problem, path, InnerException);
    }
}
