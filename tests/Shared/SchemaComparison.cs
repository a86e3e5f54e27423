using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace Tollgate.Testing;

/// <summary>Lists every difference between an EF Core model and the tables the SQL scripts made.</summary>
public static class SchemaComparison
{
    public static async Task<List<string>> DifferencesAsync(DbContext context, string connectionString)
    {
        var actual = await ReadColumnsAsync(connectionString);
        var differences = new List<string>();
        foreach (var entity in context.Model.GetEntityTypes())
        {
            var table = entity.GetTableName()!;
            var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
            if (!actual.TryGetValue(table, out var columns))
            {
                differences.Add($"table {table} is in the EF model but not in the database");
                continue;
            }

            var mapped = new HashSet<string>();
            foreach (var property in entity.GetProperties())
            {
                var column = property.GetColumnName(store)!;
                mapped.Add(column);
                if (!columns.TryGetValue(column, out var found))
                {
                    differences.Add($"{table}.{column} is in the EF model but not in the database");
                    continue;
                }

                var modelType = property.GetColumnType(store);
                if (!string.Equals(Normalise(modelType), Normalise(found.Type), StringComparison.Ordinal))
                {
                    differences.Add($"{table}.{column}: EF maps {modelType}, the database has {found.Type}");
                }

                if (property.IsColumnNullable(store) != found.Nullable)
                {
                    differences.Add($"{table}.{column}: EF nullable={property.IsColumnNullable(store)}, database nullable={found.Nullable}");
                }
            }

            foreach (var column in columns.Keys.Where(c => !mapped.Contains(c)))
            {
                differences.Add($"{table}.{column} is in the database but not in the EF model");
            }
        }

        return differences;
    }

    private static string Normalise(string type) => type.ToLowerInvariant() switch
    {
        "timestamptz" => "timestamp with time zone",
        "int" or "int4" => "integer",
        "int8" => "bigint",
        "int2" => "smallint",
        "bool" => "boolean",
        var other => other,
    };

    private static async Task<Dictionary<string, Dictionary<string, (string Type, bool Nullable)>>> ReadColumnsAsync(string connectionString)
    {
        var tables = new Dictionary<string, Dictionary<string, (string, bool)>>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // Only parent tables: partitions of spans repeat its columns.
        await using var command = new NpgsqlCommand("""
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
              AND a.attnum > 0 AND NOT a.attisdropped
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var table = reader.GetString(0);
            if (!tables.TryGetValue(table, out var columns))
            {
                tables[table] = columns = [];
            }

            columns[reader.GetString(1)] = (reader.GetString(2), reader.GetBoolean(3));
        }

        return tables;
    }
}
