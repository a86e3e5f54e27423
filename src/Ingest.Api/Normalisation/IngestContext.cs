namespace Tollgate.Ingest.Api.Normalisation;

/// <summary>Who sent a request and what their project allows.</summary>
public sealed record IngestContext(int ProjectId, bool CaptureContent, DateTime NowUtc, int RetentionDays, CustomAttribution? Attribution = null);
