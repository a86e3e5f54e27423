using System.Globalization;

namespace Tollgate.OrchestratedApp;

/// <summary>Plain <c>--name value</c> and <c>--flag</c> arguments after a command name.</summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    public CommandLine(string[] args)
    {
        Command = args.Length > 0 ? args[0] : "";
        for (var i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new FormatException($"Unexpected argument '{args[i]}'; options look like --name value.");
            }

            var hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            _values[args[i][2..]] = hasValue ? args[++i] : null;
        }
    }

    public string Command { get; }

    public bool Flag(string name) => _values.ContainsKey(name);

    public string? Optional(string name) => _values.GetValueOrDefault(name);

    public string Required(string name) =>
        _values.GetValueOrDefault(name) ?? throw new FormatException($"--{name} is required.");

    public int Count(string name, int fallback) => Parse(name, fallback, s => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture));

    public double Number(string name, double fallback) => Parse(name, fallback, s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture));

    private T Parse<T>(string name, T fallback, Func<string, T> parse)
    {
        if (_values.GetValueOrDefault(name) is not { } text)
        {
            return fallback;
        }

        try
        {
            return parse(text);
        }
        catch (FormatException)
        {
            throw new FormatException($"--{name} must be a number, not '{text}'.");
        }
    }
}
