using Npgsql;
using Tollgate.Analytics.Audit;

namespace Tollgate.Analytics.Projects;

/// <summary>A project as lists and audit entries show it.</summary>
public sealed record ProjectInfo(int Id, string Name, bool ContentCapture, DateTime CreatedAt);

/// <summary>The projects table and the audit entries for changes to it.</summary>
public sealed class ProjectStore(NpgsqlDataSource dataSource)
{
    /// <summary>Project names show in lists and URLs; longer ones are refused.</summary>
    public const int MaxNameLength = 100;

    /// <summary>Why a project name cannot be used, or null when it can.</summary>
    public static string? NameProblem(string? name) =>
        string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxNameLength || name.Any(char.IsControl)
            ? $"Give a project name of 1 to {MaxNameLength} characters, for example 'default'."
            : null;

    /// <summary>
    /// The id of the project a request names, by name or, failing that, by its number (as the
    /// API's <c>project</c> parameters accept both); null when none matches.
    /// </summary>
    public static int? Resolve(IEnumerable<(int Id, string Name)> projects, string nameOrId)
    {
        ArgumentNullException.ThrowIfNull(projects);
        var all = projects.ToList();
        if (all.FirstOrDefault(p => p.Name == nameOrId) is { Name: not null } named)
        {
            return named.Id;
        }

        return int.TryParse(nameOrId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            && all.Any(p => p.Id == id) ? id : null;
    }

    /// <summary>The project a request names, by name or number (see <see cref="Resolve"/>); null when none matches.</summary>
    public async Task<ProjectInfo?> FindAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        var all = await ListAsync(cancellationToken);
        return Resolve(all.Select(p => (p.Id, p.Name)), nameOrId) is { } id ? all.First(p => p.Id == id) : null;
    }

    public async Task<IReadOnlyList<ProjectInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT id, name, content_capture, created_at FROM projects ORDER BY name");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var projects = new List<ProjectInfo>();
        while (await reader.ReadAsync(cancellationToken))
        {
            projects.Add(Read(reader));
        }

        return projects;
    }

    /// <summary>
    /// Turns content capture on or off for a project, creating the project if it does not exist.
    /// Audited when something changed.
    /// </summary>
    /// <returns>The project after the change, and whether it was created.</returns>
    public async Task<(ProjectInfo Project, bool Created)> SetContentCaptureAsync(
        string name, bool contentCapture, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        name = CheckedName(name);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await InsertAsync(connection, transaction, name, contentCapture, actor, cancellationToken) is { } created)
        {
            await transaction.CommitAsync(cancellationToken);
            return (created, true);
        }

        ProjectInfo before;
        await using (var find = new NpgsqlCommand(
            "SELECT id, name, content_capture, created_at FROM projects WHERE name = $1 FOR UPDATE", connection, transaction))
        {
            find.Parameters.Add(new() { Value = name });
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            before = Read(reader);
        }

        var after = before with { ContentCapture = contentCapture };
        if (after != before)
        {
            await using var update = new NpgsqlCommand("UPDATE projects SET content_capture = $2 WHERE id = $1", connection, transaction);
            update.Parameters.Add(new() { Value = before.Id });
            update.Parameters.Add(new() { Value = contentCapture });
            await update.ExecuteNonQueryAsync(cancellationToken);
            await AuditLog.WriteAsync(connection, transaction, actor, "projects.update", $"projects/{before.Id}", before, after, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return (after, false);
    }

    /// <summary>The project's id inside the caller's transaction; a missing project is created (audited).</summary>
    internal static async Task<int> EnsureAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string name, string actor, CancellationToken cancellationToken)
    {
        name = CheckedName(name);
        if (await InsertAsync(connection, transaction, name, contentCapture: false, actor, cancellationToken) is { } created)
        {
            return created.Id;
        }

        await using var find = new NpgsqlCommand("SELECT id FROM projects WHERE name = $1", connection, transaction);
        find.Parameters.Add(new() { Value = name });
        return (int)(await find.ExecuteScalarAsync(cancellationToken))!;
    }

    // Null when the project exists already. ON CONFLICT keeps two concurrent creations from failing.
    private static async Task<ProjectInfo?> InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string name, bool contentCapture, string actor, CancellationToken cancellationToken)
    {
        ProjectInfo? created = null;
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO projects (name, content_capture) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING id, name, content_capture, created_at",
            connection, transaction))
        {
            insert.Parameters.Add(new() { Value = name });
            insert.Parameters.Add(new() { Value = contentCapture });
            await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                created = Read(reader);
            }
        }

        if (created is not null)
        {
            await AuditLog.WriteAsync(connection, transaction, actor, "projects.add", $"projects/{created.Id}", null, created, cancellationToken);
        }

        return created;
    }

    private static string CheckedName(string name) =>
        NameProblem(name) is { } problem ? throw new ArgumentException(problem, nameof(name)) : name.Trim();

    private static ProjectInfo Read(NpgsqlDataReader reader) =>
        new(reader.GetInt32(0), reader.GetString(1), reader.GetBoolean(2), reader.GetDateTime(3));
}
