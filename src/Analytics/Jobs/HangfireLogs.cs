using Hangfire.Logging;
using Microsoft.Extensions.Logging;

namespace Tollgate.Analytics.Jobs;

/// <summary>
/// Hangfire's logging, through the app's logger factory. Hangfire keeps its log provider in a
/// static: in a process that has hosted an app before this one (tests, an embedding host), the
/// static may still hold the earlier app's disposed factory until this app's configuration runs
/// again, and creating a logger from it throws, failing whatever Hangfire was constructing (a
/// request that enqueues a job). A logger asked of a disposed factory logs nowhere instead.
/// </summary>
internal sealed class HangfireLogs(ILoggerFactory factory) : ILogProvider
{
    private readonly Hangfire.AspNetCore.AspNetCoreLogProvider _inner = new(factory);

    public ILog GetLogger(string name)
    {
        try
        {
            return _inner.GetLogger(name);
        }
        catch (ObjectDisposedException)
        {
            return Nowhere.Instance;
        }
    }

    private sealed class Nowhere : ILog
    {
        public static readonly Nowhere Instance = new();

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
