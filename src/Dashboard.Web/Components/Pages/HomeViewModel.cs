using Microsoft.EntityFrameworkCore;
using Tollgate.Analytics.Configuration;
using Tollgate.Analytics.Storage;

namespace Tollgate.Dashboard.Web.Components.Pages;

/// <summary>What the weekly spend page shows; built without rendering so tests can check it.</summary>
public sealed class HomeViewModel(TollgateDbContext db, TollgateOptions options)
{
    public long StoredSpans { get; private set; }
    public int OtlpHttpPort => options.Ingest.HttpPort;
    public int OtlpGrpcPort => options.Ingest.GrpcPort;

    public async Task LoadAsync() => StoredSpans = await db.Spans.LongCountAsync();
}
