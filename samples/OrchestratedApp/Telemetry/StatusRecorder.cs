namespace Tollgate.OrchestratedApp.Telemetry;

/// <summary>Remembers the last HTTP status of one exporter, whose exports run on one thread at a time.</summary>
internal sealed class StatusRecorder() : DelegatingHandler(new SocketsHttpHandler())
{
    public int? LastStatus { get; set; }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = base.Send(request, cancellationToken);
        LastStatus = (int)response.StatusCode;
        return response;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        LastStatus = (int)response.StatusCode;
        return response;
    }
}
