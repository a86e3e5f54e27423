using System.Net.Http.Json;
using System.Net.Mail;
using System.Text.Json;
using Tollgate.Analytics.Configuration;

namespace Tollgate.Analytics.Budgets;

/// <summary>
/// Sends one message through one channel, once: a JSON POST to a webhook, a <c>{"text"}</c> POST
/// to a Slack-compatible webhook, or an email over SMTP. Retrying is the caller's business.
/// </summary>
public sealed class AlertSender(BudgetOptions options, SmtpOptions smtp) : IDisposable
{
    /// <summary>Error texts stored per attempt are cut to this length.</summary>
    public const int MaxErrorLength = 1000;

    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = options.DeliveryTimeout,
    };

    public async Task<DeliveryOutcome> SendAsync(string channel, string target, OutgoingMessage message, CancellationToken cancellationToken = default)
    {
        try
        {
            return channel switch
            {
                AlertChannels.Webhook => await PostAsync(channel, target, JsonContent.Create(message.Body, message.Body.GetType(), options: JsonSerializerOptions.Web), cancellationToken),
                AlertChannels.Slack => await PostAsync(channel, target, JsonContent.Create(new { text = message.Text }), cancellationToken),
                AlertChannels.Email => await MailAsync(target, message, cancellationToken),
                _ => new DeliveryOutcome(channel, target, false, null, $"Unknown channel {channel}."),
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or SmtpException or IOException or InvalidOperationException
            && !cancellationToken.IsCancellationRequested)
        {
            var status = ex is SmtpException smtpError ? (int?)smtpError.StatusCode : null;
            return new DeliveryOutcome(channel, target, false, status, Cut(ex.Message));
        }
    }

    private async Task<DeliveryOutcome> PostAsync(string channel, string target, HttpContent content, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsync(target, content, cancellationToken);
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            return new DeliveryOutcome(channel, target, true, status, null);
        }

        var reply = await response.Content.ReadAsStringAsync(cancellationToken);
        return new DeliveryOutcome(channel, target, false, status, Cut($"HTTP {status} {response.ReasonPhrase}: {reply}"));
    }

    private async Task<DeliveryOutcome> MailAsync(string recipient, OutgoingMessage message, CancellationToken cancellationToken)
    {
        if (!smtp.IsConfigured)
        {
            return new DeliveryOutcome(AlertChannels.Email, recipient, false, null, "No mail server: set Tollgate:Smtp:Host and Tollgate:Smtp:From.");
        }

        using var client = new SmtpClient(smtp.Host, smtp.Port) { EnableSsl = smtp.EnableSsl, Timeout = (int)options.DeliveryTimeout.TotalMilliseconds };
        if (smtp.UserName is { } user)
        {
            client.Credentials = new System.Net.NetworkCredential(user, smtp.Password);
        }

        using var mail = new MailMessage(smtp.From!, recipient, message.Subject, message.Text);
        await client.SendMailAsync(mail, cancellationToken);
        return new DeliveryOutcome(AlertChannels.Email, recipient, true, 250, null);
    }

    private static string Cut(string text) => text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];

    public void Dispose() => _http.Dispose();
}
