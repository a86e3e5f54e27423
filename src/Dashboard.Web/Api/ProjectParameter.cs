using Microsoft.AspNetCore.Http.HttpResults;
using Tollgate.Analytics.Projects;

namespace Tollgate.Dashboard.Web.Api;

/// <summary>
/// The <c>project</c> parameter of the API's reads: a project's name or, failing that, its number.
/// Absent, a read covers every project.
/// </summary>
public static class ProjectParameter
{
    /// <returns>
    /// No project and no problem when the parameter is absent; the project it names; or, when it
    /// names none, the 404 to answer.
    /// </returns>
    public static async Task<(ProjectInfo? Project, ProblemHttpResult? Problem)> ResolveAsync(
        ProjectStore projects, string? project, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(projects);
        if (string.IsNullOrWhiteSpace(project))
        {
            return (null, null);
        }

        return await projects.FindAsync(project.Trim(), cancellationToken) is { } found ? (found, null) : (null, Unknown(project));
    }

    /// <summary>The answer to a project parameter that names no project.</summary>
    public static ProblemHttpResult Unknown(string project) =>
        TypedResults.Problem(statusCode: 404, title: "Unknown project", detail: $"There is no project '{project}'.");
}
