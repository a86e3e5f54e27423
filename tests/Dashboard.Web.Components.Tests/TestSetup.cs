using System.Runtime.CompilerServices;

namespace Tollgate.Dashboard.Web.Components.Tests;

/// <summary>
/// Settings for a busy machine, made once for the whole assembly:
/// <list type="bullet">
/// <item>bUnit's synchronous finds, clicks and waits hold a pool thread each while the page's
/// database work needs others to go on. The pool starts with one thread per core and adds more
/// slowly, so on a two-core machine running other tests a page could stall until a wait timed
/// out. Enough threads from the start keep the tests about the pages, not about the pool.</item>
/// <item>A wait for a condition ends as soon as it holds; its limit only bounds a failing test,
/// so it is long enough for a loaded machine to read the database and render.</item>
/// </list>
/// </summary>
internal static class TestSetup
{
    [ModuleInitializer]
    internal static void ForABusyMachine()
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), completionPorts);
        Bunit.BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(20);
    }
}
