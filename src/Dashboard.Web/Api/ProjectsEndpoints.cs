using System.Security.Claims;
using Tollgate.Analytics.Projects;

namespace Tollgate.Dashboard.Web.Api;

public sealed record ProjectInput(bool? ContentCapture);

public static class ProjectsEndpoints
{
    public static void MapProjectsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/projects", async (ProjectStore projects, CancellationToken ct) => TypedResults.Ok(await projects.ListAsync(ct)));
        api.MapPut("/projects/{name}", PutAsync).RequireAuthorization(ApiPolicies.Admin);
    }

    /// <summary>
    /// Creates the project if absent and sets whether prompts and completions are kept. The
    /// setting is read at ingest, so it applies to spans received from now on; stored spans keep
    /// or lack their content as they were received.
    /// </summary>
    private static async Task<IResult> PutAsync(string name, ProjectInput input, ClaimsPrincipal user, ProjectStore projects, HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (ProjectStore.NameProblem(name) is { } nameProblem)
        {
            errors["name"] = [nameProblem];
        }

        if (input.ContentCapture is null)
        {
            errors["contentCapture"] = ["Give contentCapture: true to keep prompts and completions of new spans, false to drop them."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The project cannot be saved");
        }

        var (project, created) = await projects.SetContentCaptureAsync(name, input.ContentCapture!.Value, KeysEndpoints.Actor(user), ct);

        // The receiver caches each key's grant, content capture included, for up to 30 s.
        ReceiverKeyCache.Invalidate(http.RequestServices);
        return created
            ? TypedResults.Created($"/api/v1/projects/{Uri.EscapeDataString(project.Name)}", project)
            : TypedResults.Ok(project);
    }
}
