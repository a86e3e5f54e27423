namespace Tollgate.Analytics.Configuration;

/// <summary>The scheduled jobs ("Tollgate:Jobs"). Only the dashboard runs them; the standalone receiver never does.</summary>
public sealed class JobsOptions
{
    /// <summary>Off for a dashboard instance that should only serve pages and the API.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// This instance's id in the job cluster; empty means generated from the host name and time.
    /// Ids must differ between instances sharing a database.
    /// </summary>
    public string? InstanceId { get; set; }

    /// <summary>How often the rollup job brings the aggregates up to date.</summary>
    public int RollupIntervalSeconds { get; set; } = 60;

    /// <summary>How often hourly cost series are scanned for anomalies; hourly data needs no more than a few scans an hour.</summary>
    public int AnomalyScanIntervalMinutes { get; set; } = 15;
}
