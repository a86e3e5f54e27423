using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tollgate.Testing;

namespace Tollgate.EndToEnd;

/// <summary>A span to send; attribute values are strings or integers.</summary>
internal sealed record TestSpan(
    string TraceId, string SpanId, string? ParentSpanId, string Name, DateTimeOffset Start, TimeSpan Duration,
    (string Key, object Value)[] Attributes, bool Error = false);

/// <summary>Sends OTLP/JSON to the running app's receiver with an x-api-key header, as an exporter set up from the Connect page does.</summary>
internal static class OtlpSender
{
    public static string NewTraceId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string NewSpanId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public static async Task SendAsync(RunningApp app, string key, (string Key, object Value)[] resource, params TestSpan[] spans)
    {
        var body = new
        {
            resourceSpans = new[]
            {
                new
                {
                    resource = new { attributes = resource.Select(Attribute).ToArray() },
                    scopeSpans = new[] { new { spans = spans.Select(Span).ToArray() } },
                },
            },
        };
        using var client = new HttpClient { BaseAddress = app.OtlpHttpAddress };
        client.DefaultRequestHeaders.Add("x-api-key", key);
        using var response = await client.PostAsync(
            new Uri("v1/traces", UriKind.Relative), new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.ShouldBeTrue(text);
        text.ShouldNotContain("rejected", Case.Insensitive);
    }

    private static object Span(TestSpan s) => new
    {
        traceId = s.TraceId,
        spanId = s.SpanId,
        parentSpanId = s.ParentSpanId ?? "",
        name = s.Name,
        kind = 1,
        startTimeUnixNano = Nanos(s.Start),
        endTimeUnixNano = Nanos(s.Start + s.Duration),
        attributes = s.Attributes.Select(Attribute).ToArray(),
        status = s.Error ? new { code = 2, message = "upstream timed out" } : new { code = 0, message = "" },
    };

    private static object Attribute((string Key, object Value) a) => a.Value is int or long
        ? new { key = a.Key, value = (object)new { intValue = Convert.ToString(a.Value, CultureInfo.InvariantCulture) } }
        : new { key = a.Key, value = (object)new { stringValue = Convert.ToString(a.Value, CultureInfo.InvariantCulture) } };

    private static string Nanos(DateTimeOffset at) => (at.ToUnixTimeMilliseconds() * 1_000_000).ToString(CultureInfo.InvariantCulture);
}
