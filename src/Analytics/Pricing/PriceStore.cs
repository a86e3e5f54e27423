using Npgsql;
using Tollgate.Analytics.Audit;
using Tollgate.Analytics.Storage.Entities;

namespace Tollgate.Analytics.Pricing;

/// <summary>What an import changed: new prices, prices whose values changed, identical ones.</summary>
public sealed record PriceImportSummary(int Inserted, int Updated, int Unchanged);

/// <summary>The prices and model_patterns tables, and the audit entries for changes to them.</summary>
public sealed class PriceStore(NpgsqlDataSource dataSource)
{
    private const string PriceColumns =
        "provider, model, input_per_mtok, output_per_mtok, cache_read_per_mtok, cache_write_per_mtok, reasoning_per_mtok, "
        + "tier, effective_from, checked_on, source, origin";

    private const string UniqueKey = "(provider, model, effective_from, origin)";

    // A price stored again for the same key takes the new values.
    private const string UpdateOnConflict =
        $"ON CONFLICT {UniqueKey} DO UPDATE SET "
        + "input_per_mtok = EXCLUDED.input_per_mtok, output_per_mtok = EXCLUDED.output_per_mtok, "
        + "cache_read_per_mtok = EXCLUDED.cache_read_per_mtok, cache_write_per_mtok = EXCLUDED.cache_write_per_mtok, "
        + "reasoning_per_mtok = EXCLUDED.reasoning_per_mtok, tier = EXCLUDED.tier, "
        + "checked_on = EXCLUDED.checked_on, source = EXCLUDED.source";

    // One row per array element; the casts fix the element types of the parameters.
    private const string UnnestPrices =
        "SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[], $4::numeric[], $5::numeric[], $6::numeric[], "
        + "$7::numeric[], $8::text[], $9::timestamptz[], $10::date[], $11::text[], $12::text[])";

    // A model pattern is compared with model names up to this length (see PriceCatalogue).
    private const int MaxPatternLength = 256;

    /// <summary>
    /// Inserts the shipped catalogue. Rows already there (same provider, model, date and origin)
    /// are left alone, so running it at every start changes nothing and keeps admins' edits.
    /// </summary>
    /// <returns>How many prices were new.</returns>
    public async Task<int> SeedAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            $"INSERT INTO prices ({PriceColumns}) {UnnestPrices} ON CONFLICT {UniqueKey} DO NOTHING");
        AddPriceArrays(command, SeedCatalogue.Load(), PriceOrigins.Seed);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A snapshot of every stored price and model pattern.</summary>
    public async Task<PriceCatalogue> LoadCatalogueAsync(CancellationToken cancellationToken = default)
    {
        var prices = new List<Price>();
        await using (var command = dataSource.CreateCommand($"SELECT id, {PriceColumns}, created_at FROM prices"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                prices.Add(ReadPrice(reader));
            }
        }

        var patterns = await ListPatternsAsync(cancellationToken);
        return new PriceCatalogue(prices, patterns.Select(p => new ModelPattern(p.Pattern, p.Provider, p.TargetModel, p.TargetProvider)));
    }

    /// <summary>
    /// Adds an admin's price (origin custom) for spans starting at or after its EffectiveFrom.
    /// A custom price for the same provider, model and date is replaced. Audited.
    /// </summary>
    /// <exception cref="ArgumentException">The price is incomplete or out of range.</exception>
    public async Task<Price> AddAsync(Price price, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var stored = Normalised(price, PriceOrigins.Custom);
        if (PriceRules.Problem(stored) is { } problem)
        {
            throw new ArgumentException($"The price {problem}.", nameof(price));
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        Price? before = null;
        await using (var find = new NpgsqlCommand(
            $"SELECT id, {PriceColumns}, created_at FROM prices WHERE provider = $1 AND model = $2 AND effective_from = $3 AND origin = $4 FOR UPDATE",
            connection, transaction))
        {
            find.Parameters.Add(new() { Value = stored.Provider });
            find.Parameters.Add(new() { Value = stored.Model });
            find.Parameters.Add(new() { Value = stored.EffectiveFrom });
            find.Parameters.Add(new() { Value = stored.Origin });
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                before = ReadPrice(reader);
            }
        }

        await using (var upsert = new NpgsqlCommand(
            $"""
            INSERT INTO prices ({PriceColumns}) {UnnestPrices}
            {UpdateOnConflict}
            RETURNING id, created_at
            """, connection, transaction))
        {
            AddPriceArrays(upsert, [stored], PriceOrigins.Custom);
            await using var reader = await upsert.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            stored.Id = reader.GetInt32(0);
            stored.CreatedAt = reader.GetDateTime(1);
        }

        await AuditLog.WriteAsync(connection, transaction, actor, before is null ? "prices.add" : "prices.update",
            $"prices/{stored.Id}", before, stored, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    /// <summary>
    /// Stores imported prices (origin import). A price already imported for the same provider,
    /// model and date takes the new values. One audit entry sums up the import.
    /// </summary>
    /// <exception cref="ArgumentException">A price is incomplete or out of range (nothing is stored).</exception>
    public async Task<PriceImportSummary> ImportAsync(IReadOnlyList<Price> prices, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var rows = prices.Select(p => Normalised(p, PriceOrigins.Import)).ToList();
        foreach (var row in rows)
        {
            if (PriceRules.Problem(row) is { } problem)
            {
                throw new ArgumentException($"The imported price for {row.Provider}/{row.Model} {problem}.", nameof(prices));
            }
        }

        // Two rows with one key would make ON CONFLICT fail ("cannot affect row a second time").
        var duplicate = rows.GroupBy(r => (r.Provider, r.Model, r.EffectiveFrom)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"The import has {duplicate.Key.Provider}/{duplicate.Key.Model} more than once for one date.", nameof(prices));
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        int inserted = 0, updated = 0;
        await using (var upsert = new NpgsqlCommand(
            $"""
            INSERT INTO prices ({PriceColumns}) {UnnestPrices}
            {UpdateOnConflict}
            WHERE (prices.input_per_mtok, prices.output_per_mtok, prices.cache_read_per_mtok, prices.cache_write_per_mtok,
                   prices.reasoning_per_mtok, prices.tier)
                IS DISTINCT FROM (EXCLUDED.input_per_mtok, EXCLUDED.output_per_mtok, EXCLUDED.cache_read_per_mtok,
                   EXCLUDED.cache_write_per_mtok, EXCLUDED.reasoning_per_mtok, EXCLUDED.tier)
            RETURNING xmax = 0
            """, connection, transaction))
        {
            AddPriceArrays(upsert, rows, PriceOrigins.Import);
            await using var reader = await upsert.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                // xmax is 0 on a freshly inserted row and set on an updated one.
                if (reader.GetBoolean(0))
                {
                    inserted++;
                }
                else
                {
                    updated++;
                }
            }
        }

        var summary = new PriceImportSummary(inserted, updated, rows.Count - inserted - updated);
        await AuditLog.WriteAsync(connection, transaction, actor, "prices.import", "prices", null,
            new { summary.Inserted, summary.Updated, summary.Unchanged, Prices = rows.Count }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return summary;
    }

    /// <summary>Adds an admin's model-name pattern; its target must be a model in the catalogue. Audited.</summary>
    /// <exception cref="ArgumentException">The pattern is empty, matches everything, or targets an unknown model.</exception>
    /// <exception cref="InvalidOperationException">The same pattern exists for the same provider.</exception>
    public async Task<StoredModelPattern> AddPatternAsync(ModelPattern pattern, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var stored = new StoredModelPattern
        {
            Pattern = pattern.Pattern?.Trim() ?? "",
            Provider = ProviderNames.Normalise(pattern.Provider),
            TargetProvider = ProviderNames.Normalise(pattern.TargetProvider),
            TargetModel = pattern.TargetModel?.Trim() ?? "",
        };
        if (PatternProblem(stored.Pattern) is { } problem)
        {
            throw new ArgumentException(problem, nameof(pattern));
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM prices WHERE lower(model) = lower($1) AND ($2::text IS NULL OR provider = $2))",
            connection, transaction))
        {
            exists.Parameters.Add(new() { Value = stored.TargetModel });
            exists.Parameters.Add(new() { Value = (object?)stored.TargetProvider ?? DBNull.Value });
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
            {
                throw new ArgumentException(
                    $"The catalogue has no model \"{stored.TargetModel}\"{(stored.TargetProvider is null ? "" : $" from {stored.TargetProvider}")}: "
                    + "add a price for it first, or map the pattern to a model the catalogue lists.", nameof(pattern));
            }
        }

        await using (var insert = new NpgsqlCommand(
            "INSERT INTO model_patterns (pattern, provider, target_provider, target_model) VALUES ($1, $2, $3, $4) RETURNING id, created_at",
            connection, transaction))
        {
            insert.Parameters.Add(new() { Value = stored.Pattern });
            insert.Parameters.Add(new() { Value = (object?)stored.Provider ?? DBNull.Value });
            insert.Parameters.Add(new() { Value = (object?)stored.TargetProvider ?? DBNull.Value });
            insert.Parameters.Add(new() { Value = stored.TargetModel });
            try
            {
                await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                stored.Id = reader.GetInt32(0);
                stored.CreatedAt = reader.GetDateTime(1);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw new InvalidOperationException(
                    $"The pattern \"{stored.Pattern}\" already exists{(stored.Provider is null ? "" : $" for {stored.Provider}")}.", e);
            }
        }

        await AuditLog.WriteAsync(connection, transaction, actor, "model_patterns.add", $"model_patterns/{stored.Id}", null, stored, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    /// <summary>
    /// Deletes a model pattern, audited. Spans it priced keep their cost; names it matched are
    /// unpriced from now on unless another pattern or a price covers them.
    /// </summary>
    /// <returns>The deleted pattern, or null when there is none with this id.</returns>
    public async Task<StoredModelPattern?> DeletePatternAsync(int id, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        StoredModelPattern? deleted = null;
        await using (var delete = new NpgsqlCommand(
            "DELETE FROM model_patterns WHERE id = $1 RETURNING id, pattern, provider, target_provider, target_model, created_at", connection, transaction))
        {
            delete.Parameters.Add(new() { Value = id });
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                deleted = ReadPattern(reader);
            }
        }

        if (deleted is null)
        {
            return null;
        }

        await AuditLog.WriteAsync(connection, transaction, actor, "model_patterns.delete", $"model_patterns/{id}", deleted, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    /// <summary>Why a model pattern cannot be stored, or null when it can (the target is checked on adding).</summary>
    public static string? PatternProblem(string? pattern)
    {
        var trimmed = pattern?.Trim() ?? "";
        return trimmed.Length == 0 || trimmed.Length > MaxPatternLength || trimmed.All(c => c == '*')
            ? $"A pattern needs 1 to {MaxPatternLength} characters besides '*': a pattern matching every name would hide unpriced models."
            : null;
    }

    /// <summary>Every model pattern, in the order the catalogue tries them (oldest first).</summary>
    public async Task<IReadOnlyList<StoredModelPattern>> ListPatternsAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT id, pattern, provider, target_provider, target_model, created_at FROM model_patterns ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var patterns = new List<StoredModelPattern>();
        while (await reader.ReadAsync(cancellationToken))
        {
            patterns.Add(ReadPattern(reader));
        }

        return patterns;
    }

    // Columns id, pattern, provider, target_provider, target_model, created_at.
    private static StoredModelPattern ReadPattern(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetInt32(0),
        Pattern = reader.GetString(1),
        Provider = reader.IsDBNull(2) ? null : reader.GetString(2),
        TargetProvider = reader.IsDBNull(3) ? null : reader.GetString(3),
        TargetModel = reader.GetString(4),
        CreatedAt = reader.GetDateTime(5),
    };

    // Provider in the catalogue's spelling, names trimmed, the effective date in UTC.
    private static Price Normalised(Price price, string origin) => new()
    {
        Provider = ProviderNames.Normalise(price.Provider) ?? "",
        Model = price.Model?.Trim() ?? "",
        InputPerMTok = price.InputPerMTok,
        OutputPerMTok = price.OutputPerMTok,
        CacheReadPerMTok = price.CacheReadPerMTok,
        CacheWritePerMTok = price.CacheWritePerMTok,
        ReasoningPerMTok = price.ReasoningPerMTok,
        Tier = price.Tier,
        EffectiveFrom = price.EffectiveFrom.Kind switch
        {
            DateTimeKind.Local => price.EffectiveFrom.ToUniversalTime(),
            DateTimeKind.Unspecified => DateTime.SpecifyKind(price.EffectiveFrom, DateTimeKind.Utc),
            _ => price.EffectiveFrom,
        },
        CheckedOn = price.CheckedOn,
        Source = price.Source,
        Origin = origin,
    };

    private static void AddPriceArrays(NpgsqlCommand command, IReadOnlyCollection<Price> prices, string origin)
    {
        command.Parameters.Add(new() { Value = prices.Select(p => p.Provider).ToArray() });
        command.Parameters.Add(new() { Value = prices.Select(p => p.Model).ToArray() });
        command.Parameters.Add(new() { Value = prices.Select(p => p.InputPerMTok).ToArray() });
        command.Parameters.Add(new() { Value = prices.Select(p => p.OutputPerMTok).ToArray() });
        command.Parameters.Add(new() { Value = prices.Select(p => p.CacheReadPerMTok).ToArray() });
        command.Parameters.Add(new() { Value = prices.Select(p => p.CacheWritePerMTok).ToArray() });
        command.Parameters.Add(new() { Value = prices.Select(p => p.ReasoningPerMTok).ToArray() });
        command.Parameters.Add(new() { Value = prices.Select(p => p.Tier).ToArray() });
        command.Parameters.Add(new() { Value = prices.Select(p => p.EffectiveFrom).ToArray() });
        command.Parameters.Add(new() { Value = prices.Select(p => p.CheckedOn).ToArray() });
        command.Parameters.Add(new() { Value = prices.Select(p => p.Source).ToArray() });
        command.Parameters.Add(new() { Value = prices.Select(_ => origin).ToArray() });
    }

    private static Price ReadPrice(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetInt32(0),
        Provider = reader.GetString(1),
        Model = reader.GetString(2),
        InputPerMTok = reader.GetDecimal(3),
        OutputPerMTok = reader.GetDecimal(4),
        CacheReadPerMTok = reader.IsDBNull(5) ? null : reader.GetDecimal(5),
        CacheWritePerMTok = reader.IsDBNull(6) ? null : reader.GetDecimal(6),
        ReasoningPerMTok = reader.IsDBNull(7) ? null : reader.GetDecimal(7),
        Tier = reader.GetString(8),
        EffectiveFrom = reader.GetDateTime(9),
        CheckedOn = reader.IsDBNull(10) ? null : reader.GetFieldValue<DateOnly>(10),
        Source = reader.IsDBNull(11) ? null : reader.GetString(11),
        Origin = reader.GetString(12),
        CreatedAt = reader.GetDateTime(13),
    };
}
