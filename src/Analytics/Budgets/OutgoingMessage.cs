namespace Tollgate.Analytics.Budgets;

/// <summary>
/// One message in the three forms the channels need: a JSON body for generic webhooks, plain text
/// for Slack-compatible webhooks (<c>{"text": ...}</c>) and email, and an email subject.
/// </summary>
public sealed record OutgoingMessage(string Subject, string Text, object Body);

/// <summary>The channels a budget alert or digest can go through.</summary>
public static class AlertChannels
{
    public const string Webhook = "webhook";
    public const string Slack = "slack";
    public const string Email = "email";

    /// <summary>Every (channel, target) of a budget, one per email recipient.</summary>
    public static IEnumerable<(string Channel, string Target)> Of(Budget budget)
    {
        if (budget.WebhookUrl is { } webhook)
        {
            yield return (Webhook, webhook);
        }

        if (budget.SlackWebhookUrl is { } slack)
        {
            yield return (Slack, slack);
        }

        foreach (var recipient in budget.EmailRecipients)
        {
            yield return (Email, recipient);
        }
    }
}

/// <summary>The result of one attempt to deliver a message through one channel.</summary>
public sealed record DeliveryOutcome(string Channel, string Target, bool Succeeded, int? StatusCode, string? Error);
