using Tollgate.Ingest.Api.Hosting;

namespace Tollgate.Dashboard.Web;

public static class Program
{
    public static Task<int> Main(string[] args) => TollgateHosting.RunAsync(a => DashboardApp.BuildAsync(a), args);
}
