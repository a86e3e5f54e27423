using System.Globalization;

namespace Tollgate.Ingest.Benchmark;

/// <summary>
/// Where the machine's CPU went over a measured pass, from /proc: the receiver, PostgreSQL (every
/// backend and helper process), this benchmark's load generator, anything else, and idle. On a
/// machine shared by all three, it says which of them a faster pass would have to take time from.
/// </summary>
internal sealed class CpuShares
{
    private readonly long _receiver, _postgres, _sessions, _self, _busy, _total;

    private CpuShares(long receiver, long postgres, long sessions, long self, long busy, long total) =>
        (_receiver, _postgres, _sessions, _self, _busy, _total) = (receiver, postgres, sessions, self, busy, total);

    /// <summary>The counters now; <paramref name="receiverId"/> null when no receiver runs (the COPY-only passes).</summary>
    public static CpuShares Take(int? receiverId)
    {
        long postgres = 0, sessions = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var id) && ProcessName(id) == "postgres")
            {
                var ticks = ProcessTicks(id);
                postgres += ticks;
                // A client's backend names its socket in its title ("postgres: user db [local] COPY");
                // the rest are the server's own workers (WAL writer, checkpointer, autovacuum).
                sessions += Title(id).Contains("[local]", StringComparison.Ordinal) ? ticks : 0;
            }
        }

        // The first line of /proc/stat: user nice system idle iowait irq softirq steal ..., in ticks.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..9]
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var idle = fields[3] + fields[4];
        return new CpuShares(receiverId is { } receiver ? ProcessTicks(receiver) : 0, postgres, sessions, ProcessTicks(Environment.ProcessId), fields.Sum() - idle, fields.Sum());
    }

    /// <summary>Each part's share of the machine's CPU (every core) between <paramref name="before"/> and this.</summary>
    public string Since(CpuShares before)
    {
        double total = _total - before._total;
        var (receiver, postgres, self, busy) = (_receiver - before._receiver, _postgres - before._postgres, _self - before._self, _busy - before._busy);
        var sessions = _sessions - before._sessions;
        var other = busy - receiver - postgres - self;
        return string.Create(CultureInfo.InvariantCulture,
            $"receiver {receiver / total:P0}, PostgreSQL {postgres / total:P0} (sessions {sessions / total:P0}, its own workers {(postgres - sessions) / total:P0}), load generator {self / total:P0}, other {Math.Max(0, other) / total:P0}, idle {(total - busy) / total:P0}");
    }

    private static string? ProcessName(int id) => Read($"/proc/{id}/comm")?.TrimEnd();

    private static string Title(int id) => Read($"/proc/{id}/cmdline") ?? "";

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long ProcessTicks(int id) => CpuTicks($"/proc/{id}/stat");

    /// <summary>
    /// User and system CPU time of a process or thread from its stat file, in clock ticks (USER_HZ,
    /// 100 a second on every architecture .NET runs on); 0 once it has gone, as its time left with it.
    /// </summary>
    public static long CpuTicks(string statPath)
    {
        try
        {
            // utime and stime are fields 14 and 15, counted here after the parenthesised name.
            var stat = File.ReadAllText(statPath);
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
