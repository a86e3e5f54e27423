using System.Security.Claims;
using Tollgate.Analytics.Pricing;
using Tollgate.Analytics.Storage.Entities;

namespace Tollgate.Dashboard.Web.Api;

public sealed record ModelPatternInput(string? Pattern, string? Provider, string? TargetModel, string? TargetProvider);

public sealed record ModelPatternDto(int Id, string Pattern, string? Provider, string TargetModel, string? TargetProvider, DateTime CreatedAt);

/// <summary>Model-name patterns: globs that price names the catalogue does not know as a catalogue model.</summary>
public static class PatternsEndpoints
{
    // Provider and model names are never this long (the catalogue compares names up to 256).
    private const int MaxProviderLength = 100;
    private const int MaxModelLength = 256;

    public static void MapPatternsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/prices/patterns", async (PriceStore store, CancellationToken ct) =>
            TypedResults.Ok((await store.ListPatternsAsync(ct)).Select(ToDto).ToList()));
        api.MapPost("/prices/patterns", AddAsync).RequireAuthorization(ApiPolicies.Admin);
        api.MapDelete("/prices/patterns/{id:int}", DeleteAsync).RequireAuthorization(ApiPolicies.Admin);
    }

    /// <summary>Spans the pattern priced keep their cost; names it matched arrive unpriced from now on.</summary>
    private static async Task<IResult> DeleteAsync(int id, ClaimsPrincipal user, PriceStore store, CurrentPrices current, CancellationToken ct)
    {
        if (await store.DeletePatternAsync(id, KeysEndpoints.Actor(user), ct) is not { } deleted)
        {
            return TypedResults.Problem(statusCode: 404, title: "No such pattern", detail: $"There is no model pattern {id}; list them at GET /api/v1/prices/patterns.");
        }

        await current.RefreshAsync(ct);
        return TypedResults.Ok(ToDto(deleted));
    }

    /// <summary>
    /// The pattern prices spans received from now on; spans already stored without a price keep
    /// none until they are re-priced.
    /// </summary>
    private static async Task<IResult> AddAsync(ModelPatternInput input, ClaimsPrincipal user, PriceStore store, CurrentPrices current, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (PriceStore.PatternProblem(input.Pattern) is { } patternProblem)
        {
            errors["pattern"] = [patternProblem + " For example 'my-gpt4o-*'."];
        }

        if (string.IsNullOrWhiteSpace(input.TargetModel) || input.TargetModel.Length > MaxModelLength)
        {
            errors["targetModel"] = ["Give the catalogue model these names are priced as, for example 'gpt-4o'."];
        }

        if (input.Provider?.Length > MaxProviderLength)
        {
            errors["provider"] = [$"A provider name has at most {MaxProviderLength} characters."];
        }

        if (input.TargetProvider?.Length > MaxProviderLength)
        {
            errors["targetProvider"] = [$"A provider name has at most {MaxProviderLength} characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The model pattern is not valid");
        }

        StoredModelPattern stored;
        try
        {
            stored = await store.AddPatternAsync(new ModelPattern(input.Pattern!, input.Provider, input.TargetModel!, input.TargetProvider), KeysEndpoints.Actor(user), ct);
        }
        catch (ArgumentException ex)
        {
            // The pattern's shape was checked above, so what remains is a target the catalogue lacks.
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["targetModel"] = [ex.Message] }, title: "The model pattern is not valid");
        }
        catch (InvalidOperationException ex)
        {
            return TypedResults.Problem(statusCode: 409, title: "The pattern exists already", detail: ex.Message + " Use a different pattern or provider.");
        }

        await current.RefreshAsync(ct);
        return TypedResults.Created($"/api/v1/prices/patterns/{stored.Id}", ToDto(stored));
    }

    private static ModelPatternDto ToDto(StoredModelPattern p) => new(p.Id, p.Pattern, p.Provider, p.TargetModel, p.TargetProvider, p.CreatedAt);
}
