using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tollgate.Governance.Benchmark;

/// <summary>
/// One HTTP/1.1 keep-alive connection that sends a prepared request and reads the whole response,
/// one at a time (no pipelining). Far cheaper per request than HttpClient, so that on a small
/// machine the client takes as little CPU from the server under test as possible.
/// </summary>
internal sealed class KeepAliveConnection : IDisposable
{
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] LastChunk = "0\r\n\r\n"u8.ToArray();
    private static readonly byte[] ContentLength = "content-length:"u8.ToArray();

    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    private readonly byte[] _buffer = new byte[64 * 1024];

    public KeepAliveConnection(int port) => _socket.Connect(new IPEndPoint(IPAddress.Loopback, port));

    public static byte[] Request(string method, string path, int port, string? key, string? json)
    {
        var body = json is null ? [] : Encoding.UTF8.GetBytes(json);
        var head = new StringBuilder()
            .Append(method).Append(' ').Append(path).Append(" HTTP/1.1\r\n")
            .Append("Host: 127.0.0.1:").Append(port.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("\r\n");
        if (key is not null)
        {
            head.Append("Authorization: Bearer ").Append(key).Append("\r\n");
        }

        if (json is not null)
        {
            head.Append("Content-Type: application/json\r\nContent-Length: ").Append(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("\r\n");
        }

        head.Append("\r\n");
        return [.. Encoding.ASCII.GetBytes(head.ToString()), .. body];
    }

    /// <returns>The response's status code; the body is left in the buffer.</returns>
    public async ValueTask<int> SendAsync(ReadOnlyMemory<byte> request)
    {
        await _socket.SendAsync(request, SocketFlags.None);
        var received = 0;
        var headerLength = -1;
        var contentLength = -1;
        while (true)
        {
            var read = await _socket.ReceiveAsync(_buffer.AsMemory(received), SocketFlags.None);
            if (read == 0)
            {
                throw new IOException("the server closed the connection");
            }

            received += read;
            if (headerLength < 0)
            {
                var end = _buffer.AsSpan(0, received).IndexOf(HeaderEnd);
                if (end < 0)
                {
                    continue;
                }

                headerLength = end + 4;
                contentLength = ContentLengthOf(_buffer.AsSpan(0, headerLength));
            }

            var complete = contentLength >= 0
                ? received >= headerLength + contentLength
                : received >= headerLength + LastChunk.Length && _buffer.AsSpan(0, received).EndsWith(LastChunk);
            if (complete)
            {
                return ((_buffer[9] - '0') * 100) + ((_buffer[10] - '0') * 10) + (_buffer[11] - '0');
            }
        }
    }

    private static int ContentLengthOf(ReadOnlySpan<byte> headers)
    {
        Span<byte> lower = stackalloc byte[headers.Length];
        for (var i = 0; i < headers.Length; i++)
        {
            lower[i] = headers[i] is >= (byte)'A' and <= (byte)'Z' ? (byte)(headers[i] + 32) : headers[i];
        }

        var at = lower.IndexOf(ContentLength);
        if (at < 0)
        {
            return -1;
        }

        var value = 0;
        for (var i = at + ContentLength.Length; i < lower.Length && lower[i] != '\r'; i++)
        {
            if (lower[i] is >= (byte)'0' and <= (byte)'9')
            {
                value = (value * 10) + (lower[i] - '0');
            }
        }

        return value;
    }

    public void Dispose() => _socket.Dispose();
}
