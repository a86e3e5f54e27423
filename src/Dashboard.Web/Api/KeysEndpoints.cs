using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using Tollgate.Analytics.Configuration;
using Tollgate.Analytics.Keys;
using Tollgate.Analytics.Projects;
using Tollgate.Dashboard.Web.Accounts;

namespace Tollgate.Dashboard.Web.Api;

public sealed record IngestKeyInput(string? Project, string? Name, int? RateLimitPerSecond);

public sealed record NewIngestKey(int Id, string Project, string Name, string KeyPrefix, int? RateLimitPerSecond, DateTime CreatedAt, string Key);

public sealed record ApiKeyInput(string? Name, string? Role);

public sealed record NewApiKey(int Id, string Name, string KeyPrefix, string Role, DateTime CreatedAt, string Key);

/// <summary>Ingest keys (for exporters) and API keys (for scripts). A new key is shown once: only its hash is stored.</summary>
public static class KeysEndpoints
{
    /// <summary>
    /// A per-key limit above this is far beyond what one receiver writes, so it is taken for a
    /// typo; leave the limit out to use Tollgate:Ingest:DefaultRateLimitPerSecond.
    /// </summary>
    public const int MaxRateLimitPerSecond = 10_000_000;

    public static void MapKeysApi(this RouteGroupBuilder api)
    {
        api.MapGet("/ingest-keys", async (KeyStore keys, CancellationToken ct) => TypedResults.Ok(await keys.ListIngestKeysAsync(ct)));
        api.MapPost("/ingest-keys", CreateIngestKeyAsync).RequireAuthorization(ApiPolicies.Admin);
        api.MapDelete("/ingest-keys/{id:int}", RevokeIngestKeyAsync).RequireAuthorization(ApiPolicies.Admin);

        api.MapGet("/api-keys", async (KeyStore keys, CancellationToken ct) => TypedResults.Ok(await keys.ListApiKeysAsync(ct)));
        api.MapPost("/api-keys", CreateApiKeyAsync).RequireAuthorization(ApiPolicies.Admin);
        api.MapDelete("/api-keys/{id:int}", RevokeApiKeyAsync).RequireAuthorization(ApiPolicies.Admin);
    }

    private static async Task<IResult> CreateIngestKeyAsync(
        IngestKeyInput input, ClaimsPrincipal user, KeyStore keys, TollgateOptions options, CancellationToken ct)
    {
        var project = string.IsNullOrWhiteSpace(input.Project) ? options.DefaultProject : input.Project;
        var errors = new Dictionary<string, string[]>();
        if (ProjectStore.NameProblem(project) is { } projectProblem)
        {
            errors["project"] = [projectProblem];
        }

        if (NameProblem(input.Name, "checkout-service") is { } nameProblem)
        {
            errors["name"] = [nameProblem];
        }

        if (input.RateLimitPerSecond is < 1 or > MaxRateLimitPerSecond)
        {
            errors["rateLimitPerSecond"] = [$"Give spans per second from 1 to {MaxRateLimitPerSecond}, or leave it out to use the default."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The ingest key cannot be created");
        }

        var (info, key) = await keys.CreateIngestKeyAsync(project, input.Name!, input.RateLimitPerSecond, Actor(user), ct);
        return TypedResults.Created($"/api/v1/ingest-keys/{info.Id}",
            new NewIngestKey(info.Id, info.Project, info.Name, info.KeyPrefix, info.RateLimitPerSecond, info.CreatedAt, key));
    }

    private static async Task<IResult> RevokeIngestKeyAsync(int id, ClaimsPrincipal user, KeyStore keys, HttpContext http, CancellationToken ct)
    {
        if (await keys.RevokeIngestKeyAsync(id, Actor(user), ct) is null)
        {
            return NotFound("ingest", id);
        }

        ReceiverKeyCache.Invalidate(http.RequestServices);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> CreateApiKeyAsync(ApiKeyInput input, ClaimsPrincipal user, KeyStore keys, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (NameProblem(input.Name, "nightly-report") is { } nameProblem)
        {
            errors["name"] = [nameProblem];
        }

        if (input.Role is null || !Roles.All.Contains(input.Role))
        {
            errors["role"] = [$"Give the role, one of {string.Join(", ", Roles.All)}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The API key cannot be created");
        }

        var (info, key) = await keys.CreateApiKeyAsync(input.Name!, input.Role!, Actor(user), ct);
        return TypedResults.Created($"/api/v1/api-keys/{info.Id}", new NewApiKey(info.Id, info.Name, info.KeyPrefix, info.Role, info.CreatedAt, key));
    }

    private static async Task<IResult> RevokeApiKeyAsync(int id, ClaimsPrincipal user, KeyStore keys, CancellationToken ct)
    {
        if (await keys.RevokeApiKeyAsync(id, Actor(user), ct) is null)
        {
            return NotFound("API", id);
        }

        ApiKeyAuthentication.Invalidate();
        return TypedResults.NoContent();
    }

    private static string? NameProblem(string? name, string example) =>
        string.IsNullOrWhiteSpace(name) || name.Trim().Length > KeyStore.MaxNameLength || name.Any(char.IsControl)
            ? $"Give the key a name of 1 to {KeyStore.MaxNameLength} characters that says who uses it, for example '{example}'."
            : null;

    private static ProblemHttpResult NotFound(string kind, int id) =>
        TypedResults.Problem(statusCode: 404, title: $"No such {kind} key",
            detail: $"No {kind} key has id {id}; list the keys to find its id.");

    internal static string Actor(ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";
}
