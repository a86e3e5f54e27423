using System.Diagnostics;

namespace Tollgate.Testing;

/// <summary>Runs the Node.js programs of tests/Interop/js (installed by test.sh with npm ci).</summary>
public static class InteropScripts
{
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string script, params string[] arguments)
    {
        var directory = FindDirectory();
        if (!Directory.Exists(Path.Combine(directory, "node_modules")))
        {
            throw new InvalidOperationException($"{directory}/node_modules is missing: run ./test.sh, or 'npm ci' in that folder.");
        }

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await stdout).Trim(), await stderr);
    }

    private static string FindDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Interop", "js");
            if (File.Exists(Path.Combine(candidate, "send-spans.mjs")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/Interop/js was not found above " + AppContext.BaseDirectory);
    }
}
