using Tollgate.Ingest.Api.Keys;

namespace Tollgate.Dashboard.Web.Api;

/// <summary>
/// The embedded OTLP receiver caches what each ingest key grants (its project's content capture
/// included) for <see cref="IngestKeyStore.CacheFor"/>. Changes made here clear that cache so
/// they apply at once; a standalone receiver (Tollgate:Ingest:Embedded=false) catches up within
/// that time.
/// </summary>
internal static class ReceiverKeyCache
{
    public static void Invalidate(IServiceProvider services) => services.GetService<IngestKeyStore>()?.Invalidate();
}
