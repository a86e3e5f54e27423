using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace Tollgate.Ingest.Api.Otlp;

/// <summary>
/// The OTLP Export methods, bound without generated stubs: requests pass through as raw bytes
/// (the normaliser reads the wire format itself, with no message objects), responses are our
/// own protobuf messages.
/// </summary>
/// <remarks>
/// Export is unary in the protocol; it is bound here as client-streaming, which is the same on
/// the wire, so that the call starts before its body is read: the request takes its place in the
/// memory budget first, as over OTLP/HTTP, and is refused without reading when there is none.
/// </remarks>
internal sealed class OtlpGrpcMethods : IServiceMethodProvider<OtlpGrpcService>
{
    private static readonly Marshaller<OtlpBody> Requests = Marshallers.Create<OtlpBody>(
        (_, _) => throw new NotSupportedException("OTLP requests are only received"),
        context => OtlpBody.Copy(context.PayloadAsReadOnlySequence()));

    private static readonly Marshaller<IMessage> Responses = Marshallers.Create<IMessage>(
        (message, context) => context.Complete(message.ToByteArray()),
        _ => throw new NotSupportedException("OTLP responses are only sent"));

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<OtlpGrpcService> context)
    {
        Add(context, "opentelemetry.proto.collector.trace.v1.TraceService", Signal.Traces);
        Add(context, "opentelemetry.proto.collector.metrics.v1.MetricsService", Signal.Metrics);
        Add(context, "opentelemetry.proto.collector.logs.v1.LogsService", Signal.Logs);
    }

    private static void Add(ServiceMethodProviderContext<OtlpGrpcService> context, string service, Signal signal) =>
        context.AddClientStreamingMethod(
            new Method<OtlpBody, IMessage>(MethodType.ClientStreaming, service, "Export", Requests, Responses),
            [],
            (otlp, messages, call) => otlp.ExportAsync(signal, messages, call));
}
