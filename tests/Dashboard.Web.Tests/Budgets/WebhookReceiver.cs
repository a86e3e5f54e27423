using System.Net;
using System.Text;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Budgets;

/// <summary>An HTTP endpoint on a loopback port that answers the first <c>failures</c> requests with 500, then 200.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private int _failuresLeft;

    public WebhookReceiver(int failures = 0)
    {
        _failuresLeft = failures;
        var port = FreePort.Next();
        Url = $"http://127.0.0.1:{port}/hook/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = ServeAsync();
    }

    public string Url { get; }

    public List<string> Bodies { get; } = [];

    public int Requests { get; private set; }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            lock (Bodies)
            {
                Requests++;
                Bodies.Add(body);
            }

            context.Response.StatusCode = Interlocked.Decrement(ref _failuresLeft) >= 0 ? 500 : 200;
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
