namespace Tollgate.Analytics.Pricing;

/// <summary>
/// The shorter forms of a model name that may still name the same model: a snapshot date
/// (<c>gpt-4o-2024-08-06</c>), a Vertex version (<c>@20250929</c>), a Bedrock version
/// (<c>-v1:0</c>) or region (<c>us.</c>), <c>-latest</c>, a preview date, a revision (<c>-001</c>).
/// Only such suffixes are removed, never a word: <c>gpt-4o-mini-2024-07-18</c> becomes
/// <c>gpt-4o-mini</c> and never <c>gpt-4o</c>, and <c>gpt-4.1-mini</c> stays as it is.
/// </summary>
internal static class ModelNames
{
    // Bedrock cross-region inference profiles put a geography before the model id.
    private static readonly string[] RegionPrefixes = ["us.", "eu.", "apac.", "global.", "jp.", "au.", "ca.", "us-gov."];

    // A name carries at most a few stacked suffixes (a date under a Bedrock version, say).
    private const int MaxSuffixes = 6;

    /// <summary>The lower-case name itself, then successively shorter forms, without repeats.</summary>
    public static List<string> ShorterForms(string lowerName)
    {
        var forms = new List<string>(4);
        AddChain(forms, lowerName);
        foreach (var region in RegionPrefixes)
        {
            if (lowerName.Length > region.Length && lowerName.StartsWith(region, StringComparison.Ordinal))
            {
                AddChain(forms, lowerName[region.Length..]);
                break;
            }
        }

        return forms;
    }

    private static void AddChain(List<string> forms, string name)
    {
        var current = name;
        for (var i = 0; i <= MaxSuffixes; i++)
        {
            Add(forms, current);
            var shorter = StripOneSuffix(current, out var endsInPreview);
            if (shorter is null)
            {
                return;
            }

            if (endsInPreview)
            {
                // gemini-2.5-flash-preview-05-20: try the preview itself before the model it previews.
                Add(forms, shorter);
                shorter = shorter[..^"-preview".Length];
            }

            current = shorter;
        }
    }

    private static void Add(List<string> forms, string form)
    {
        if (form.Length > 0 && !forms.Contains(form))
        {
            forms.Add(form);
        }
    }

    private static string? StripOneSuffix(string name, out bool endsInPreview)
    {
        endsInPreview = false;
        var at = name.LastIndexOf('@');
        if (at > 0)
        {
            return name[..at];
        }

        if (BedrockVersionLength(name) is > 0 and var length)
        {
            return name[..^length];
        }

        if (name.EndsWith("-latest", StringComparison.Ordinal))
        {
            return name[..^"-latest".Length];
        }

        var span = name.AsSpan();
        if (span.Length > 11 && span[^11] == '-' && IsDate(span[^10..^6], span[^5..^3], span[^2..]) && span[^6] == '-' && span[^3] == '-')
        {
            return name[..^11];
        }

        if (span.Length > 9 && span[^9] == '-' && IsDate(span[^8..^4], span[^4..^2], span[^2..]))
        {
            return name[..^9];
        }

        if (span.Length > 6 && span[^6] == '-' && span[^3] == '-' && IsMonthDay(span[^5..^3], span[^2..])
            && span[..^6].EndsWith("-preview", StringComparison.Ordinal))
        {
            endsInPreview = true;
            return name[..^6];
        }

        if (span.Length > 5 && span[^5] == '-' && IsMonthDay(span[^4..^2], span[^2..]))
        {
            return name[..^5];
        }

        if (span.Length > 4 && span[^4] == '-' && span[^3] == '0' && IsDigits(span[^2..]))
        {
            return name[..^4];
        }

        return null;
    }

    // "-v1:0", "-v2:0": the length of the suffix, or 0.
    private static int BedrockVersionLength(string name)
    {
        var dash = name.LastIndexOf("-v", StringComparison.Ordinal);
        if (dash <= 0)
        {
            return 0;
        }

        var rest = name.AsSpan(dash + 2);
        var colon = rest.IndexOf(':');
        return colon > 0 && IsDigits(rest[..colon]) && IsDigits(rest[(colon + 1)..]) ? name.Length - dash : 0;
    }

    private static bool IsDate(ReadOnlySpan<char> year, ReadOnlySpan<char> month, ReadOnlySpan<char> day) =>
        IsDigits(year) && year.StartsWith("20") && IsMonthDay(month, day);

    private static bool IsMonthDay(ReadOnlySpan<char> month, ReadOnlySpan<char> day) =>
        IsDigits(month) && IsDigits(day) && TwoDigits(month) is >= 1 and <= 12 && TwoDigits(day) is >= 1 and <= 31;

    private static int TwoDigits(ReadOnlySpan<char> digits) => ((digits[0] - '0') * 10) + (digits[1] - '0');

    private static bool IsDigits(ReadOnlySpan<char> text) => !text.IsEmpty && !text.ContainsAnyExceptInRange('0', '9');
}
