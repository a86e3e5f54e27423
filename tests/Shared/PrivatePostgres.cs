using System.Diagnostics;

namespace Tollgate.Testing;

/// <summary>
/// A PostgreSQL server of one test's own, for tests that stop the server itself (the shared one of
/// test.sh serves every other test at the same time). Started with the functions of
/// scripts/lib.sh, on a Unix socket only, in a temporary folder removed at the end.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string _work;

    private PrivatePostgres(string work)
    {
        _work = work;
    }

    private string DataDirectory => Path.Combine(_work, "pg");
    private string SocketDirectory => Path.Combine(_work, "socket");
    private string LogFile => Path.Combine(_work, "postgres.log");

    /// <summary>A superuser's connection string.</summary>
    public string AdminConnectionString => $"Host={SocketDirectory};Username=postgres;Database=postgres;Pooling=false";

    public static async Task<PrivatePostgres> StartAsync()
    {
        var work = Path.Combine(Path.GetTempPath(), "tollgate-pg-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(work);
        // The server runs as 'postgres' when the tests run as root: it must reach the folder.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(work, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        var server = new PrivatePostgres(work);
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Stops the server at once, as a crash or a killed host would: no checkpoint, clients cut off.</summary>
    public Task StopAbruptlyAsync() => ShellAsync($"as_pg_owner \"$PG_BIN/pg_ctl\" -D '{DataDirectory}' -m immediate -w stop");

    /// <summary>Starts the server (initialising its data folder the first time) and returns once it accepts connections.</summary>
    public Task StartAgainAsync() => ShellAsync($"pg_start '{DataDirectory}' '{SocketDirectory}' '{LogFile}'");

    private static async Task ShellAsync(string commands)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"set -euo pipefail; source '{LibraryScript()}'; PG_BIN=$(pg_bindir) || die 'PostgreSQL is not installed: run ./test.sh'; {commands}");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{commands}' failed ({process.ExitCode}): {await output} {await errors}");
        }
    }

    private static string LibraryScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "scripts", "lib.sh");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("scripts/lib.sh was not found above " + AppContext.BaseDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        await ShellAsync($"pg_stop '{DataDirectory}'");
        Directory.Delete(_work, recursive: true);
    }
}
