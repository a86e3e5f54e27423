using System.Text;

namespace Tollgate.Analytics.Revenue;

/// <summary>
/// Reads CSV as RFC 4180 defines it: comma-separated fields, optionally in double quotes, a
/// doubled quote inside quotes, line breaks inside quotes. Yields each record with the line it
/// starts on, so errors can point at it.
/// </summary>
public static class CsvRows
{
    /// <summary>Longest field accepted: a revenue line has no use for more.</summary>
    public const int MaxFieldLength = 4096;

    public static IEnumerable<(int Line, List<string> Fields)> Read(TextReader reader)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var inQuotes = false;
        var fieldStarted = false;
        int c;
        while ((c = reader.Read()) != -1)
        {
            var ch = (char)c;
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        Append(field, '"', line);
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    if (ch == '\n')
                    {
                        line++;
                    }

                    Append(field, ch, line);
                }

                continue;
            }

            switch (ch)
            {
                case '"' when field.Length == 0:
                    inQuotes = true;
                    fieldStarted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    fieldStarted = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    if (fieldStarted || field.Length > 0 || fields.Count > 0)
                    {
                        fields.Add(field.ToString());
                        yield return (recordLine, fields);
                        fields = [];
                    }

                    field.Clear();
                    fieldStarted = false;
                    line++;
                    recordLine = line;
                    break;
                default:
                    Append(field, ch, line);
                    fieldStarted = true;
                    break;
            }
        }

        if (inQuotes)
        {
            throw new FormatException($"line {recordLine}: a quoted field is not closed");
        }

        if (fieldStarted || field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return (recordLine, fields);
        }
    }

    private static void Append(StringBuilder field, char ch, int line)
    {
        if (field.Length >= MaxFieldLength)
        {
            throw new FormatException($"line {line}: a field is longer than {MaxFieldLength} characters");
        }

        field.Append(ch);
    }
}
