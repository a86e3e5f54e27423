using Npgsql;
using Tollgate.Analytics.Storage;

namespace Tollgate.Analytics.Tests.Storage;

public sealed class DatabaseOutageTests
{
    private static PostgresException Refused(string sqlState) => new("message", "ERROR", "ERROR", sqlState);

    [Theory]
    [InlineData("57P01")] // admin shutdown
    [InlineData("53300")] // too many connections
    [InlineData("08006")] // connection failure
    [InlineData("55000")] // database closed to connections
    public void Server_side_outages_are_outages(string sqlState) => DatabaseOutage.Is(Refused(sqlState)).ShouldBeTrue();

    [Theory]
    [InlineData("42703")] // undefined column: a bug
    [InlineData("23505")] // unique violation
    [InlineData("22P02")] // invalid text representation
    public void Refused_statements_are_not_outages(string sqlState) => DatabaseOutage.Is(Refused(sqlState)).ShouldBeFalse();

    [Fact]
    public void Client_side_connection_failures_are_outages_even_when_wrapped()
    {
        DatabaseOutage.Is(new InvalidOperationException("wrapped", new NpgsqlException("connection refused"))).ShouldBeTrue();
        DatabaseOutage.Is(new InvalidOperationException("a plain bug")).ShouldBeFalse();
    }
}
