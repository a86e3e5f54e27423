using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Tollgate.Ingest.Api.Otlp;

namespace Tollgate.Ingest.Api.Keys;

/// <summary>
/// The ingest key of an OTLP request, from "Authorization: Bearer KEY" or "x-api-key: KEY" (both
/// settable through OTEL_EXPORTER_OTLP_HEADERS, and gRPC metadata alike). A request without a
/// valid key is answered in its transport's terms: 401 over OTLP/HTTP, UNAUTHENTICATED over
/// OTLP/gRPC; 503 / UNAVAILABLE when the key cannot be checked because the database is away.
/// </summary>
public sealed class IngestKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IngestKeyStore keys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "IngestKey";

    /// <summary>The authorisation policy the OTLP endpoints require.</summary>
    public const string Policy = "IngestKey";

    /// <summary>Longer values are not looked up: no key is this long, and hashing them is work for nothing.</summary>
    private const int MaxKeyLength = 512;

    public static string? ReadKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        var apiKey = request.Headers["x-api-key"].ToString().Trim();
        return apiKey.Length > 0 ? apiKey : null;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (ReadKey(Request) is not { Length: > 0 and <= MaxKeyLength } key)
        {
            return AuthenticateResult.NoResult();
        }

        try
        {
            return await keys.FindAsync(key, Context.RequestAborted) is { } grant
                ? AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new IngestKeyIdentity(grant)), SchemeName))
                : AuthenticateResult.Fail("unknown or revoked ingest key");
        }
        catch (KeyStoreUnavailableException ex)
        {
            return AuthenticateResult.Fail(ex);
        }
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var refusal = result.Failure is KeyStoreUnavailableException ex ? ExportResult.KeyStoreUnavailable(ex.Message) : ExportResult.Unauthenticated;
        await (OtlpGrpcService.IsGrpc(Request)
            ? OtlpGrpcService.RefuseBeforeCallAsync(Context, refusal)
            : OtlpHttpEndpoints.AnswerAsync(Context, OtlpHttpEndpoints.IsJson(Request), refusal));
    }
}

/// <summary>The identity of a request that carries a valid ingest key: what the key grants.</summary>
public sealed class IngestKeyIdentity(IngestKeyGrant grant) : ClaimsIdentity(
    [new Claim(ClaimTypes.Name, "ingest-key:" + grant.KeyId.ToString(System.Globalization.CultureInfo.InvariantCulture))], IngestKeyAuthentication.SchemeName)
{
    public IngestKeyGrant Grant { get; } = grant;

    /// <summary>The grant of an authenticated OTLP request (the endpoints require the ingest-key policy).</summary>
    public static IngestKeyGrant GrantOf(ClaimsPrincipal user) =>
        user.Identities.OfType<IngestKeyIdentity>().FirstOrDefault()?.Grant
        ?? throw new InvalidOperationException("the OTLP endpoint was reached without an ingest key: it must require the ingest-key policy");
}
