namespace Tollgate.Analytics.Configuration;

/// <summary>
/// Timing of budget tracking and alert delivery ("Tollgate:Budgets"). The defaults suit
/// production; tests shorten them so that a retry or a refresh takes milliseconds.
/// </summary>
public sealed class BudgetOptions
{
    /// <summary>How often newly ingested spans are added to the in-memory spend.</summary>
    public TimeSpan SpendPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How often spend is summed again from scratch: re-pricing changes stored costs without
    /// new ingestion, which polling by ingestion time cannot see.
    /// </summary>
    public TimeSpan FullReloadInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Spans ingested this long before the watermark are read again on each poll, so that a
    /// write transaction that committed after a later one is still counted (once: span keys seen
    /// within the window are remembered).
    /// </summary>
    public TimeSpan PollOverlap { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the delivery worker looks for due alert deliveries.</summary>
    public TimeSpan DeliveryPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Delay before the second attempt; each further attempt waits twice as long.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts per delivery before it is marked failed (10 s doubling: about 2.8 h in all).</summary>
    public int MaxDeliveryAttempts { get; set; } = 11;

    /// <summary>Time allowed to one webhook call or SMTP exchange.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The dashboard's address as readers of alerts reach it, for links in messages.</summary>
    public string PublicUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>Optional channels for weekly digests of teams without a budget channel.</summary>
    public string? DigestWebhookUrl { get; set; }

    public string? DigestSlackWebhookUrl { get; set; }

    public List<string> DigestEmailRecipients { get; set; } = [];
}

/// <summary>The mail server for email alerts ("Tollgate:Smtp"); without a host, email is refused.</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 25;

    public string? From { get; set; }

    public bool EnableSsl { get; set; }

    public string? UserName { get; set; }

    public string? Password { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host) && !string.IsNullOrWhiteSpace(From);
}
