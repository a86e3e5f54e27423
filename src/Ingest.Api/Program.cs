using Tollgate.Ingest.Api.Hosting;

namespace Tollgate.Ingest.Api;

public static class Program
{
    public static Task<int> Main(string[] args) => TollgateHosting.RunAsync(a => IngestApp.BuildAsync(a), args);
}
