using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Tollgate.Analytics.Revenue;
using Tollgate.Analytics.Storage;
using Tollgate.Testing;

namespace Tollgate.Analytics.Tests.Revenue;

public sealed class RevenueImportsTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private NpgsqlDataSource _dataSource = null!;
    private RevenueImports _imports = null!;
    private int _project;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _dataSource = _database.CreateDataSource();
        await new SchemaMigrator(_dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        _project = await _database.ScalarAsync<int>("INSERT INTO projects (name) VALUES ('shop') RETURNING id");
        _imports = new RevenueImports(_dataSource, new RevenueStore(_dataSource), NullLogger<RevenueImports>.Instance);
    }

    public async Task DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await _database.DisposeAsync();
    }

    /// <summary>A file of <paramref name="customers"/> figures of $1.50 each, one per customer.</summary>
    private static byte[] File(int customers, string? extraLine = null)
    {
        var text = new StringBuilder("feature,customer,periodStart,periodEnd,amountUsd\n");
        for (var i = 0; i < customers; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"answers,customer-{i},2026-11-01,2026-12-01,1.50\n");
        }

        text.Append(extraLine);
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    [Fact]
    public async Task A_file_of_several_batches_shows_every_line_done_before_it_commits_and_stores_them_all_at_once()
    {
        var lines = RevenueStore.BatchSize * 2 + 500;
        var id = await _imports.CreateAsync(_project, File(lines), "big.csv", "pm@example.com");
        // Hold the audit log, written last in the import's transaction: the import waits before its commit.
        await using var blocker = await _dataSource.OpenConnectionAsync();
        await using var hold = await blocker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE audit_log IN EXCLUSIVE MODE", blocker, hold))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        var run = _imports.RunAsync(id);
        await Eventually.TrueAsync(async () => (await _imports.GetAsync(id))!.LinesDone == lines, TimeSpan.FromMinutes(1), "every batch written");
        var midway = (await _imports.GetAsync(id))!;
        midway.Status.ShouldBe(RevenueImports.Running);
        midway.LinesTotal.ShouldBe(lines);
        (await _database.ScalarAsync<long>("SELECT count(*) FROM revenue")).ShouldBe(0, "nothing is visible before the commit");
        await hold.RollbackAsync();

        var done = (await run)!;
        done.Status.ShouldBe(RevenueImports.Succeeded);
        (done.LinesDone, done.Inserted, done.Replaced, done.FileName).ShouldBe((lines, lines, 0, "big.csv"));
        (await _database.ScalarAsync<decimal>("SELECT sum(amount_usd) FROM revenue")).ShouldBe(1.50m * lines);
        (await _database.ScalarAsync<long>($"SELECT count(*) FROM revenue_imports WHERE id = {id} AND body IS NULL")).ShouldBe(1, "the file is dropped once imported");
        (await _database.ScalarAsync<string>("SELECT actor FROM audit_log WHERE action = 'revenue.import'")).ShouldBe("pm@example.com");
    }

    [Fact]
    public async Task A_file_with_bad_lines_stores_nothing_and_keeps_the_bad_lines_with_their_numbers()
    {
        var id = await _imports.CreateAsync(_project, File(3, "answers,customer-1,2026-11-01,2026-12-01,9\nanswers,x,2026-13-01,2026-12-01,1\n"), null, "pm@example.com");

        var done = (await _imports.RunAsync(id))!;

        done.Status.ShouldBe(RevenueImports.Failed);
        done.Error.ShouldBe("2 line(s) are invalid and nothing was stored; fix them and import the whole file again.");
        done.LineErrors.ShouldBe([
            "line 6: periodStart '2026-13-01' is not a date (use ISO-8601, e.g. 2026-11-01)",
            "line 5: repeats the feature, customer and period of line 3; keep one",
        ]);
        (done.LineErrorCount, done.Inserted).ShouldBe((2, null));
        (await _database.ScalarAsync<long>("SELECT count(*) FROM revenue")).ShouldBe(0);
    }

    [Fact]
    public async Task An_import_interrupted_before_its_commit_goes_back_to_the_queue_and_its_next_run_stores_each_figure_once()
    {
        var lines = RevenueStore.BatchSize + 10;
        var id = await _imports.CreateAsync(_project, File(lines), null, "pm@example.com");
        await using var blocker = await _dataSource.OpenConnectionAsync();
        await using (var hold = await blocker.BeginTransactionAsync())
        {
            await using (var lockTable = new NpgsqlCommand("LOCK TABLE audit_log IN EXCLUSIVE MODE", blocker, hold))
            {
                await lockTable.ExecuteNonQueryAsync();
            }

            using var shutdown = new CancellationTokenSource();
            var run = _imports.RunAsync(id, shutdown.Token);
            await Eventually.TrueAsync(async () => (await _imports.GetAsync(id))!.LinesDone == lines, TimeSpan.FromMinutes(1), "every batch written");
            await shutdown.CancelAsync();
            await Should.ThrowAsync<OperationCanceledException>(run);
            await hold.RollbackAsync();
        }

        (await _imports.GetAsync(id))!.Status.ShouldBe(RevenueImports.Queued);
        (await _database.ScalarAsync<long>("SELECT count(*) FROM revenue")).ShouldBe(0);

        var done = (await _imports.RunAsync(id))!;
        (done.Status, done.Inserted, done.Replaced).ShouldBe((RevenueImports.Succeeded, lines, 0));
        (await _database.ScalarAsync<long>("SELECT count(*) FROM revenue")).ShouldBe(lines);
        // A third run (Hangfire delivering the job again) leaves the ended import as it is.
        (await _imports.RunAsync(id))!.FinishedAt.ShouldBe(done.FinishedAt);
    }

    [Fact]
    public async Task A_queued_import_whose_job_could_not_be_queued_ends_as_failed_and_drops_its_file()
    {
        var id = await _imports.CreateAsync(_project, File(1), null, "pm@example.com");

        await _imports.FailQueuedAsync(id, "could not be queued");

        var failed = (await _imports.GetAsync(id))!;
        (failed.Status, failed.Error).ShouldBe((RevenueImports.Failed, "could not be queued"));
        (await _imports.RunAsync(id))!.Status.ShouldBe(RevenueImports.Failed);
        (await _database.ScalarAsync<long>("SELECT count(*) FROM revenue")).ShouldBe(0);
    }
}
