using System.Globalization;
using System.Text;

namespace Tollgate.Ingest.Api.Normalisation;

/// <summary>Counts rejected spans by reason and notes warnings, for the partial_success message.</summary>
public sealed class Rejections
{
    private readonly SortedDictionary<string, int> _reasons = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, int> _warnings = new(StringComparer.Ordinal);

    public int Rejected { get; private set; }

    public void Reject(string reason)
    {
        Rejected++;
        _reasons[reason] = _reasons.GetValueOrDefault(reason) + 1;
    }

    public void Warn(string warning, int count = 1) => _warnings[warning] = _warnings.GetValueOrDefault(warning) + count;

    public bool IsEmpty => _reasons.Count == 0 && _warnings.Count == 0;

    /// <summary>"2 spans rejected: 1 invalid trace id, 1 missing start time; 300 attributes over the limit dropped"</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        if (Rejected > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{Rejected} span{(Rejected == 1 ? "" : "s")} rejected: ");
            text.AppendJoin(", ", _reasons.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Value} {r.Key}")));
        }

        if (_warnings.Count > 0)
        {
            if (text.Length > 0)
            {
                text.Append("; ");
            }

            text.AppendJoin("; ", _warnings.Select(w => string.Create(CultureInfo.InvariantCulture, $"{w.Value} {w.Key}")));
        }

        return text.ToString();
    }
}
