using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Api;

/// <summary>Sends OTLP/JSON to a running app's receiver the way an exporter does.</summary>
internal static class Otlp
{
    public const string EmptyBatch = """{"resourceSpans":[]}""";

    public static async Task<HttpResponseMessage> PostTracesAsync(RunningApp app, string key, string json)
    {
        using var client = new HttpClient { BaseAddress = app.OtlpHttpAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await client.PostAsync(new Uri("v1/traces", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));
    }

    /// <summary>A new trace id (hex) and a batch of one chat span starting now with the attributes given (strings or integers).</summary>
    public static (string TraceId, string Json) OneChatSpan(params (string Key, object Value)[] attributes)
    {
        var traceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var start = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000).ToString(CultureInfo.InvariantCulture);
        var span = new
        {
            traceId,
            spanId = "0102030405060708",
            name = "chat",
            kind = 3,
            startTimeUnixNano = start,
            endTimeUnixNano = start,
            attributes = attributes
                .Select(a => a.Value is int or long
                    ? (object)new { key = a.Key, value = new { intValue = Convert.ToString(a.Value, CultureInfo.InvariantCulture) } }
                    : new { key = a.Key, value = new { stringValue = a.Value } })
                .Append(new { key = "gen_ai.operation.name", value = new { stringValue = "chat" } })
                .ToArray(),
        };
        return (traceId, JsonSerializer.Serialize(new { resourceSpans = new[] { new { scopeSpans = new[] { new { spans = new[] { span } } } } } }));
    }
}
