namespace Tollgate.Analytics.Configuration;

/// <summary>
/// Every setting of a Tollgate process, bound from the "Tollgate" section and
/// "ConnectionStrings:Tollgate". Validated once at start-up; see <see cref="TollgateOptionsLoader"/>.
/// </summary>
public sealed class TollgateOptions
{
    public const string SectionName = "Tollgate";
    public const string ConnectionStringKey = "ConnectionStrings:Tollgate";

    public string ConnectionString { get; set; } = "";

    /// <summary>Address the web UI, the API and the OTLP receivers listen on.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    public int HttpPort { get; set; } = 5080;

    /// <summary>
    /// Reverse proxies in front of the web UI, comma-separated addresses or networks (CIDR). The
    /// client's address and scheme are then read from their X-Forwarded-For and X-Forwarded-Proto
    /// headers, so that sign-in throttling counts each client, not the proxy. Empty: the headers
    /// are ignored (anyone could send them). See <see cref="Configuration.TrustedProxies"/>.
    /// </summary>
    public string? TrustedProxies { get; set; }

    /// <summary>Spans older than this are dropped a whole monthly partition at a time.</summary>
    public int RetentionDays { get; set; } = 400;

    /// <summary>Project that bootstrap keys and the demo data belong to.</summary>
    public string DefaultProject { get; set; } = "default";

    public string? BootstrapIngestKey { get; set; }
    public string? BootstrapAdminKey { get; set; }
    public string? BootstrapAdminUser { get; set; }
    public string? BootstrapAdminPassword { get; set; }

    public IngestOptions Ingest { get; set; } = new();

    public JobsOptions Jobs { get; set; } = new();

    public BudgetOptions Budgets { get; set; } = new();

    public SmtpOptions Smtp { get; set; } = new();
}
