using System.Globalization;

namespace Tollgate.Analytics.Revenue;

/// <summary>
/// Reads a revenue CSV with the columns of the API (feature, customer, periodStart, periodEnd,
/// amountUsd; a header line is required, columns in any order, names case-insensitive). Values
/// that do not parse are reported by line, never guessed.
/// </summary>
public static class RevenueCsv
{
    /// <summary>A file uploaded and stored at once with more lines than this is refused: split it or import it in the background.</summary>
    public const int MaxLines = 100_000;

    private static readonly string[] Columns = ["feature", "customer", "periodstart", "periodend", "amountusd"];

    /// <param name="text">The file.</param>
    /// <param name="maxLines">Lines beyond this many are refused.</param>
    public static (List<RevenueLine> Lines, List<string> Errors) Parse(TextReader text, int maxLines = MaxLines)
    {
        var lines = new List<RevenueLine>();
        var lineNumbers = new List<int>();
        var errors = new List<string>();
        Dictionary<string, int>? columns = null;
        try
        {
            foreach (var (line, fields) in CsvRows.Read(text))
            {
                if (columns is null)
                {
                    columns = fields.Select((name, index) => (name.Trim().ToLowerInvariant(), index))
                        .DistinctBy(c => c.Item1).ToDictionary(c => c.Item1, c => c.index);
                    var missing = Columns.Where(c => c != "customer" && !columns.ContainsKey(c)).ToList();
                    if (missing.Count > 0)
                    {
                        errors.Add($"line {line}: missing column(s) {string.Join(", ", missing)}; the first line must name the columns feature, customer, periodStart, periodEnd, amountUsd");
                        return (lines, errors);
                    }

                    continue;
                }

                if (lines.Count + errors.Count >= maxLines)
                {
                    errors.Add($"line {line}: the file has more than {maxLines} lines; split it");
                    break;
                }

                string? Field(string name) => columns.TryGetValue(name, out var i) && i < fields.Count ? fields[i].Trim() : null;
                var problems = new List<string>();
                var start = ParseDate(Field("periodstart"), "periodStart", problems);
                var end = ParseDate(Field("periodend"), "periodEnd", problems);
                var amountText = Field("amountusd");
                decimal? amount = decimal.TryParse(amountText, NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
                if (amount is null && !string.IsNullOrEmpty(amountText))
                {
                    problems.Add($"amountUsd '{Shorten(amountText)}' is not a number (use a dot for decimals, no currency sign)");
                }

                var entry = new RevenueLine(Field("feature"), NullIfEmpty(Field("customer")), start, end, amount);
                if (problems.Count == 0 && entry.Problem() is { } problem)
                {
                    problems.Add(problem);
                }

                if (problems.Count > 0)
                {
                    errors.Add($"line {line}: {string.Join("; ", problems)}");
                }
                else
                {
                    lines.Add(entry);
                    lineNumbers.Add(line);
                }
            }
        }
        catch (FormatException ex)
        {
            errors.Add(ex.Message);
        }

        errors.AddRange(RevenueLine.Repeats(lines).Select(r =>
            $"line {lineNumbers[r.Index]}: repeats the feature, customer and period of line {lineNumbers[r.FirstIndex]}; keep one"));
        if (columns is not null && lines.Count == 0 && errors.Count == 0)
        {
            errors.Add("the file names its columns but holds no revenue lines; nothing to store");
        }

        if (columns is null)
        {
            errors.Add("line 1: the file is empty; the first line must name the columns feature, customer, periodStart, periodEnd, amountUsd");
        }

        return (lines, errors);
    }

    private static DateTime? ParseDate(string? text, string column, List<string> problems)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var value))
        {
            return DateTime.SpecifyKind(value, DateTimeKind.Utc);
        }

        problems.Add($"{column} '{Shorten(text)}' is not a date (use ISO-8601, e.g. 2026-11-01)");
        return null;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
