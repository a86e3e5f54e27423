using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Analytics.Audit;
using Tollgate.Analytics.Storage;
using Tollgate.Dashboard.Web.Components.Pages.Audit;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Components;

public sealed class AuditPagingTests
{
    [Fact]
    public async Task Entries_written_in_one_transaction_are_paged_without_loss_or_repeat()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var dataSource = database.CreateDataSource();
        await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        // 60 entries in one transaction: they share one time (now() is the transaction's start).
        const int written = 60;
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            for (var i = 0; i < written; i++)
            {
                await AuditLog.WriteAsync(connection, transaction, "admin", "budgets.add", $"budgets/{i}", null, new { i });
            }

            await transaction.CommitAsync();
        }

        var first = new AuditViewModel(new AuditQuery(dataSource));
        await first.LoadAsync("budgets", null, null);
        var second = new AuditViewModel(new AuditQuery(dataSource));
        await second.LoadAsync("budgets", null, first.OlderThan);

        // 60 = a page of 50, then 10 on the last page.
        (first.Rows.Count, second.Rows.Count, second.OlderThan).ShouldBe((AuditViewModel.PageSize, written - AuditViewModel.PageSize, (string?)null));
        first.Rows.Concat(second.Rows).Select(r => r.Subject).Distinct().Count().ShouldBe(written);
        first.Rows.Select(r => r.At).Distinct().Count().ShouldBe(1);
    }
}
