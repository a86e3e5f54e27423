using System.Globalization;
using Microsoft.Extensions.Configuration;
using Tollgate.Analytics.Jobs;

namespace Tollgate.Analytics.Configuration;

/// <summary>Raised when a setting is missing or wrong; the message names every key to fix.</summary>
public sealed class TollgateConfigurationException(IReadOnlyList<string> errors)
    : Exception("Tollgate cannot start; fix these settings:" + Environment.NewLine
        + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

public static class TollgateOptionsLoader
{
    /// <summary>Binds and validates the options; throws <see cref="TollgateConfigurationException"/>.</summary>
    public static TollgateOptions Load(IConfiguration configuration)
    {
        var options = new TollgateOptions();
        try
        {
            configuration.GetSection(TollgateOptions.SectionName).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            // The binder's message already names the key ("... at 'Tollgate:HttpPort' to type ...").
            throw new TollgateConfigurationException([ex.Message]);
        }

        options.ConnectionString = configuration[TollgateOptions.ConnectionStringKey] ?? "";
        var errors = Validate(options);
        return errors.Count == 0 ? options : throw new TollgateConfigurationException(errors);
    }

    public static List<string> Validate(TollgateOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            errors.Add($"{TollgateOptions.ConnectionStringKey} is not set (environment variable ConnectionStrings__Tollgate). "
                + "Give a PostgreSQL connection string, or start Tollgate with ./run.sh, which starts a private PostgreSQL.");
        }
        else
        {
            try
            {
                _ = new Npgsql.NpgsqlConnectionStringBuilder(options.ConnectionString);
            }
            catch (ArgumentException ex)
            {
                errors.Add($"{TollgateOptions.ConnectionStringKey} is not a valid PostgreSQL connection string: {ex.Message}");
            }
        }

        _ = Configuration.TrustedProxies.Parse(options.TrustedProxies, errors);
        if (!System.Net.IPAddress.TryParse(options.ListenAddress, out _) && options.ListenAddress != "localhost")
        {
            errors.Add($"Tollgate:ListenAddress must be an IP address or 'localhost' (got '{options.ListenAddress}').");
        }

        CheckPort(errors, "Tollgate:HttpPort", options.HttpPort);
        CheckPort(errors, "Tollgate:Ingest:HttpPort", options.Ingest.HttpPort);
        CheckPort(errors, "Tollgate:Ingest:GrpcPort", options.Ingest.GrpcPort);
        var ports = new[] { options.HttpPort, options.Ingest.HttpPort, options.Ingest.GrpcPort };
        if (options.Ingest.Embedded && ports.Distinct().Count() != ports.Length)
        {
            errors.Add("Tollgate:HttpPort, Tollgate:Ingest:HttpPort and Tollgate:Ingest:GrpcPort must differ "
                + $"(got {string.Join(", ", ports.Select(p => p.ToString(CultureInfo.InvariantCulture)))}).");
        }

        if (options.RetentionDays is < 1 or > 36_500)
        {
            errors.Add($"Tollgate:RetentionDays must be between 1 and 36500 (got {options.RetentionDays}).");
        }

        if (string.IsNullOrWhiteSpace(options.DefaultProject))
        {
            errors.Add("Tollgate:DefaultProject must not be empty.");
        }

        if (options.Ingest.MaxRequestBytes is < 1024 or > 1024L * 1024 * 1024)
        {
            errors.Add($"Tollgate:Ingest:MaxRequestBytes must be between 1024 and 1073741824 (got {options.Ingest.MaxRequestBytes}).");
        }

        if (options.Ingest.MaxInFlightBytes < 16L * 1024 * 1024)
        {
            errors.Add($"Tollgate:Ingest:MaxInFlightBytes must be at least 16777216 (got {options.Ingest.MaxInFlightBytes}).");
        }

        if (options.Ingest.QueueCapacitySpans < 1_000)
        {
            errors.Add($"Tollgate:Ingest:QueueCapacitySpans must be at least 1000 (got {options.Ingest.QueueCapacitySpans}).");
        }

        if (options.Ingest.MaxBatchSpans is < 1 or > 1_000_000)
        {
            errors.Add($"Tollgate:Ingest:MaxBatchSpans must be between 1 and 1000000 (got {options.Ingest.MaxBatchSpans}).");
        }

        // Shorter than a second would keep the job store busy; longer than an hour leaves the figures
        // stale. Jobs fire on the clock, so the interval must divide a minute or an hour evenly.
        if (options.Jobs.RollupIntervalSeconds is < 1 or > 3600 || !JobSchedule.IsEven(TimeSpan.FromSeconds(options.Jobs.RollupIntervalSeconds)))
        {
            errors.Add("Tollgate:Jobs:RollupIntervalSeconds must divide a minute or an hour evenly, between 1 and 3600 "
                + $"(for example 1, 5, 15, 30, 60, 300, 3600; got {options.Jobs.RollupIntervalSeconds}).");
        }

        // Anomalies are judged on whole hours: scanning more often than every minute finds nothing new.
        if (options.Jobs.AnomalyScanIntervalMinutes is < 1 or > 60 || !JobSchedule.IsEven(TimeSpan.FromMinutes(options.Jobs.AnomalyScanIntervalMinutes)))
        {
            errors.Add("Tollgate:Jobs:AnomalyScanIntervalMinutes must divide an hour evenly, between 1 and 60 "
                + $"(for example 1, 5, 15, 30, 60; got {options.Jobs.AnomalyScanIntervalMinutes}).");
        }

        if (options.Ingest.DefaultRateLimitPerSecond < 1)
        {
            errors.Add($"Tollgate:Ingest:DefaultRateLimitPerSecond must be at least 1 (got {options.Ingest.DefaultRateLimitPerSecond}).");
        }

        if (options.Ingest.Spool.SegmentBytes is < 64 * 1024 or > 1024L * 1024 * 1024)
        {
            errors.Add($"Tollgate:Ingest:Spool:SegmentBytes must be between 65536 and 1073741824 (got {options.Ingest.Spool.SegmentBytes}).");
        }

        if (options.Ingest.Spool.MaxBytes < 2 * options.Ingest.Spool.SegmentBytes)
        {
            errors.Add($"Tollgate:Ingest:Spool:MaxBytes must be at least twice Tollgate:Ingest:Spool:SegmentBytes (got {options.Ingest.Spool.MaxBytes}).");
        }

        if (string.IsNullOrEmpty(options.BootstrapAdminUser) != string.IsNullOrEmpty(options.BootstrapAdminPassword))
        {
            errors.Add("Tollgate:BootstrapAdminUser and Tollgate:BootstrapAdminPassword must be set together.");
        }

        errors.AddRange(Budgets.BudgetOptionsCheck.Problems(options.Budgets));
        CheckKey(errors, "Tollgate:BootstrapIngestKey", options.BootstrapIngestKey);
        CheckKey(errors, "Tollgate:BootstrapAdminKey", options.BootstrapAdminKey);
        return errors;
    }

    private static void CheckPort(List<string> errors, string key, int port)
    {
        if (port is < 1 or > 65535)
        {
            errors.Add($"{key} must be between 1 and 65535 (got {port}).");
        }
    }

    // Keys are compared by hash only, so a short key is guessable: demand some length.
    private static void CheckKey(List<string> errors, string key, string? value)
    {
        if (value is not null && value.Length < 16)
        {
            errors.Add($"{key} must be at least 16 characters long (got {value.Length}).");
        }
    }
}
