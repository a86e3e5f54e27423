using System.Text.RegularExpressions;

namespace Tollgate.Analytics.Pricing;

/// <summary>A <see cref="ModelPattern"/> with its glob turned into a regular expression once.</summary>
internal sealed class CompiledModelPattern
{
    // Model names come from clients: a non-backtracking engine keeps matching linear in the
    // name's length whatever globs an admin writes.
    private const RegexOptions Options =
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    private readonly Regex _regex;

    public CompiledModelPattern(ModelPattern source)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source.Pattern);
        ArgumentException.ThrowIfNullOrWhiteSpace(source.TargetModel);
        Source = source;
        Provider = ProviderNames.Normalise(source.Provider);
        TargetProvider = ProviderNames.Normalise(source.TargetProvider);
        TargetModel = source.TargetModel.Trim().ToLowerInvariant();
        _regex = new Regex(GlobToRegex(source.Pattern.Trim()), Options);
    }

    public ModelPattern Source { get; }
    public string? Provider { get; }
    public string? TargetProvider { get; }
    public string TargetModel { get; }

    public bool IsMatch(string modelName) => _regex.IsMatch(modelName);

    /// <summary><c>*</c> matches any run of characters; everything else is literal.</summary>
    internal static string GlobToRegex(string glob) =>
        "^" + string.Join(".*", glob.Split('*').Select(Regex.Escape)) + "$";
}
