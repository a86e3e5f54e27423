using Microsoft.Extensions.Configuration;
using Tollgate.Analytics.Configuration;

namespace Tollgate.Analytics.Tests.Configuration;

public sealed class TollgateOptionsTests
{
    private static TollgateOptions Load(params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?> { ["ConnectionStrings:Tollgate"] = "Host=localhost;Database=tollgate" };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        return TollgateOptionsLoader.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
    }

    [Fact]
    public void Defaults_are_the_documented_ports_and_retention()
    {
        var options = Load();

        options.HttpPort.ShouldBe(5080);
        options.Ingest.HttpPort.ShouldBe(4318);
        options.Ingest.GrpcPort.ShouldBe(4317);
        options.Ingest.MaxRequestBytes.ShouldBe(64L * 1024 * 1024);
        options.RetentionDays.ShouldBe(400);
        options.Ingest.Embedded.ShouldBeTrue();
        options.Ingest.Spool.Enabled.ShouldBeTrue();
        options.Ingest.Spool.DirectoryFor(4318).ShouldEndWith(Path.Combine("tollgate", "spool", "4318"));
    }

    [Theory]
    [InlineData("Tollgate:HttpPort", "0", "Tollgate:HttpPort must be between 1 and 65535 (got 0)")]
    [InlineData("Tollgate:Ingest:GrpcPort", "70000", "Tollgate:Ingest:GrpcPort must be between 1 and 65535")]
    [InlineData("Tollgate:RetentionDays", "0", "Tollgate:RetentionDays")]
    [InlineData("Tollgate:ListenAddress", "not-an-ip", "Tollgate:ListenAddress")]
    [InlineData("Tollgate:BootstrapIngestKey", "short", "Tollgate:BootstrapIngestKey must be at least 16 characters")]
    [InlineData("Tollgate:Ingest:HttpPort", "5080", "must differ")]
    [InlineData("Tollgate:Ingest:Spool:SegmentBytes", "1000", "Tollgate:Ingest:Spool:SegmentBytes must be between 65536")]
    [InlineData("Tollgate:Ingest:Spool:MaxBytes", "100000", "Tollgate:Ingest:Spool:MaxBytes must be at least twice")]
    [InlineData("Tollgate:TrustedProxies", "10.0.0.1, proxy.internal", "Tollgate:TrustedProxies lists 'proxy.internal', which is neither an IP address nor a network")]
    [InlineData("Tollgate:TrustedProxies", "10.0.0.0/33", "Tollgate:TrustedProxies lists '10.0.0.0/33'")]
    public void A_bad_value_is_reported_with_the_key_to_fix(string key, string value, string expected)
    {
        var error = Should.Throw<TollgateConfigurationException>(() => Load((key, value)));

        error.Message.ShouldContain(expected);
    }

    [Fact]
    public void Trusted_proxies_are_addresses_and_networks()
    {
        var problems = new List<string>();
        var proxies = TrustedProxies.Parse(Load(("Tollgate:TrustedProxies", " 10.1.2.3 ,192.168.0.0/16,::1")).TrustedProxies, problems);

        problems.ShouldBeEmpty();
        proxies.Addresses.Select(a => a.ToString()).ShouldBe(["10.1.2.3", "::1"]);
        proxies.Networks.Select(n => n.ToString()).ShouldBe(["192.168.0.0/16"]);
        TrustedProxies.Parse(Load().TrustedProxies, problems).IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void A_value_of_the_wrong_type_names_its_key()
    {
        var error = Should.Throw<TollgateConfigurationException>(() => Load(("Tollgate:HttpPort", "eighty")));

        error.Message.ShouldContain("Tollgate:HttpPort");
    }

    [Fact]
    public void A_missing_connection_string_says_how_to_set_it()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>()).Build();

        var error = Should.Throw<TollgateConfigurationException>(() => TollgateOptionsLoader.Load(configuration));

        error.Message.ShouldContain("ConnectionStrings:Tollgate is not set");
        error.Message.ShouldContain("ConnectionStrings__Tollgate");
    }

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        var error = Should.Throw<TollgateConfigurationException>(() => Load(("Tollgate:HttpPort", "0"), ("Tollgate:RetentionDays", "-1")));

        error.Errors.Count.ShouldBe(2);
    }
}
