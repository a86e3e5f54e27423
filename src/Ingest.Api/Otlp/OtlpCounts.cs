using Tollgate.Ingest.Api.Otlp.Proto;

namespace Tollgate.Ingest.Api.Otlp;

/// <summary>How many items an export request carries, for the counts in OTLP partial-success answers.</summary>
public static class OtlpCounts
{
    public static long DataPoints(ExportMetricsServiceRequest request) =>
        request.ResourceMetrics.SelectMany(r => r.ScopeMetrics).SelectMany(s => s.Metrics).Sum(PointsIn);

    public static long LogRecords(ExportLogsServiceRequest request) =>
        request.ResourceLogs.SelectMany(r => r.ScopeLogs).Sum(s => (long)s.LogRecords.Count);

    // A metric with no data set carries no points.
    private static long PointsIn(Metric metric) => metric.DataCase switch
    {
        Metric.DataOneofCase.Gauge => metric.Gauge.DataPoints.Count,
        Metric.DataOneofCase.Sum => metric.Sum.DataPoints.Count,
        Metric.DataOneofCase.Histogram => metric.Histogram.DataPoints.Count,
        Metric.DataOneofCase.ExponentialHistogram => metric.ExponentialHistogram.DataPoints.Count,
        Metric.DataOneofCase.Summary => metric.Summary.DataPoints.Count,
        _ => 0,
    };
}
