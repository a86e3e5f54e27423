using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Npgsql;
using Tollgate.Analytics.Keys;

namespace Tollgate.Dashboard.Web.Api;

/// <summary>
/// "Authorization: Bearer &lt;API key&gt;" for scripts and orchestrators. Keys are looked up by
/// hash and cached briefly; a revoked key stops working within <see cref="CacheFor"/>.
/// </summary>
public sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    NpgsqlDataSource dataSource,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    private static readonly ConcurrentDictionary<string, (string? Role, string? Name, DateTimeOffset Expires)> Cache = new(StringComparer.Ordinal);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var key = header["Bearer ".Length..].Trim();
        var now = time.GetUtcNow();
        if (!Cache.TryGetValue(key, out var entry) || entry.Expires <= now)
        {
            await using var command = dataSource.CreateCommand("SELECT role, name FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL");
            command.Parameters.Add(new() { Value = KeyHasher.Hash(key) });
            await using var reader = await command.ExecuteReaderAsync(Context.RequestAborted);
            entry = await reader.ReadAsync(Context.RequestAborted) ? (reader.GetString(0), reader.GetString(1), now + CacheFor) : (null, null, now + CacheFor);
            if (Cache.Count > 10_000)
            {
                Cache.Clear();
            }

            Cache[key] = entry;
        }

        if (entry.Role is null)
        {
            return AuthenticateResult.Fail("unknown or revoked API key");
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "api-key:" + entry.Name), new Claim(ClaimTypes.Role, entry.Role)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>Forgets cached answers, so a revocation applies at once in this process.</summary>
    public static void Invalidate() => Cache.Clear();

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    }
}
