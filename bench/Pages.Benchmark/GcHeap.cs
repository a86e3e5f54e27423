using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Tollgate.Pages.Benchmark;

/// <summary>
/// The live managed heap of a process: dotnet-gcdump (from the repository's tool manifest) forces a full
/// collection in it and walks what survives. Unlike resident memory, this does not move with the
/// collector's headroom, so it can tell a fraction of a MiB per circuit apart.
/// </summary>
internal static partial class GcHeap
{
    public static async Task<long> LiveBytesAsync(int processId)
    {
        var dump = Path.Combine(Path.GetTempPath(), $"tollgate-pages-{processId}-{Guid.NewGuid():N}.gcdump");
        try
        {
            await RunToolAsync("collect", "-p", processId.ToString(CultureInfo.InvariantCulture), "-o", dump);
            var report = await RunToolAsync("report", dump);
            var total = TotalLine().Match(report);
            return total.Success
                ? long.Parse(total.Groups[1].Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture)
                : throw new InvalidOperationException($"dotnet-gcdump's report has no heap total:{Environment.NewLine}{report}");
        }
        finally
        {
            File.Delete(dump);
        }
    }

    private static async Task<string> RunToolAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["tool", "run", "dotnet-gcdump", "--", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var tool = Process.Start(start) ?? throw new InvalidOperationException("dotnet-gcdump did not start");
        var output = tool.StandardOutput.ReadToEndAsync();
        var errors = tool.StandardError.ReadToEndAsync();
        await tool.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return tool.ExitCode == 0
            ? await output
            : throw new InvalidOperationException($"dotnet-gcdump {arguments[0]} failed ({tool.ExitCode}); run `dotnet tool restore` in the repository: {await errors}{await output}");
    }

    // Where .config/dotnet-tools.json is, above this program's folder.
    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, ".config", "dotnet-tools.json")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("no .config/dotnet-tools.json above the benchmark: run it from the repository's build");
    }

    [GeneratedRegex(@"^\s*([\d,]+)\s+GC Heap bytes", RegexOptions.Multiline)]
    private static partial Regex TotalLine();
}
