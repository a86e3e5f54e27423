using System.Globalization;
using System.Text.Json;

namespace Tollgate.Nab;

/// <summary>
/// Reads a NAB folder: every <c>data/**/*.csv</c> that <c>combined_windows.json</c> labels, with
/// the windows turned into point indices.
/// </summary>
public static class NabCorpus
{
    private static readonly string[] _timestampFormats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.ffffff"];

    public static IReadOnlyList<NabFile> Load(string folder)
    {
        var windowsPath = Path.Combine(folder, "combined_windows.json");
        if (!File.Exists(windowsPath))
        {
            throw new FileNotFoundException($"No NAB labels at {windowsPath}: pass the NAB folder (with data/ and combined_windows.json) as the first argument.", windowsPath);
        }
        using var document = JsonDocument.Parse(File.ReadAllText(windowsPath));
        var files = new List<NabFile>();
        foreach (var entry in document.RootElement.EnumerateObject().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var path = Path.Combine(folder, "data", entry.Name);
            if (!File.Exists(path))
            {
                continue;
            }
            var (timestamps, values) = ReadCsv(path);
            var windows = entry.Value.EnumerateArray()
                .Select(w => ToIndices(timestamps, ParseTime(w[0].GetString()!), ParseTime(w[1].GetString()!)))
                .ToList();
            files.Add(new NabFile(entry.Name, timestamps, values, windows));
        }
        if (files.Count == 0)
        {
            throw new FileNotFoundException($"No labelled data files under {Path.Combine(folder, "data")}.");
        }
        return files;
    }

    private static (DateTime[] Timestamps, double[] Values) ReadCsv(string path)
    {
        var timestamps = new List<DateTime>();
        var values = new List<double>();
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            if (line.Length == 0)
            {
                continue;
            }
            var comma = line.IndexOf(',', StringComparison.Ordinal);
            timestamps.Add(ParseTime(line[..comma]));
            values.Add(double.Parse(line[(comma + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture));
        }
        return (timestamps.ToArray(), values.ToArray());
    }

    private static DateTime ParseTime(string text) =>
        DateTime.ParseExact(text, _timestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    private static NabWindow ToIndices(DateTime[] timestamps, DateTime start, DateTime end)
    {
        var first = Array.FindIndex(timestamps, t => t >= start);
        var last = Array.FindLastIndex(timestamps, t => t <= end);
        return new NabWindow(first, last);
    }
}
