using System.Globalization;
using Tollgate.Analytics.Configuration;

namespace Tollgate.Analytics.Budgets;

/// <summary>Start-up validation of "Tollgate:Budgets", each problem naming its key.</summary>
public static class BudgetOptionsCheck
{
    public static IEnumerable<string> Problems(BudgetOptions options)
    {
        foreach (var (key, value) in new[]
        {
            ("SpendPollInterval", options.SpendPollInterval),
            ("FullReloadInterval", options.FullReloadInterval),
            ("DeliveryPollInterval", options.DeliveryPollInterval),
            ("RetryBaseDelay", options.RetryBaseDelay),
            ("DeliveryTimeout", options.DeliveryTimeout),
        })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return $"Tollgate:Budgets:{key} must be a positive duration such as 00:00:05 (got {value.ToString("c", CultureInfo.InvariantCulture)}).";
            }
        }

        if (options.PollOverlap < TimeSpan.Zero)
        {
            yield return "Tollgate:Budgets:PollOverlap must not be negative.";
        }

        if (options.MaxDeliveryAttempts is < 1 or > 50)
        {
            yield return $"Tollgate:Budgets:MaxDeliveryAttempts must be between 1 and 50 (got {options.MaxDeliveryAttempts}).";
        }

        if (!Uri.TryCreate(options.PublicUrl, UriKind.Absolute, out _))
        {
            yield return $"Tollgate:Budgets:PublicUrl must be an absolute URL such as https://tollgate.example.com (got '{options.PublicUrl}').";
        }
    }
}
