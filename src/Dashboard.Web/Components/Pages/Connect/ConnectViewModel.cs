using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Tollgate.Analytics.Configuration;
using Tollgate.Analytics.Keys;
using Tollgate.Analytics.Projects;
using Tollgate.Dashboard.Web.Accounts;

namespace Tollgate.Dashboard.Web.Components.Pages.Connect;

/// <summary>The Connect page's form for a new ingest key.</summary>
public sealed class NewKeyInput
{
    [Required(ErrorMessage = "Give the key a name that says who uses it, for example 'checkout-service'.")]
    [StringLength(KeyStore.MaxNameLength, ErrorMessage = "A key name is at most {1} characters.")]
    public string Name { get; set; } = "";

    [Required(ErrorMessage = "Give the project the key sends to, for example 'default'.")]
    [StringLength(ProjectStore.MaxNameLength, ErrorMessage = "A project name is at most {1} characters.")]
    public string Project { get; set; } = "";
}

/// <summary>What the Connect page shows: the OTLP endpoints, the set-up snippets and the key form.</summary>
public sealed class ConnectViewModel(TollgateOptions options, KeyStore keys, ProjectStore projects)
{
    public string DefaultProject => options.DefaultProject;

    public string OtlpHttpEndpoint { get; private set; } = "";
    public string OtlpGrpcEndpoint { get; private set; } = "";

    /// <summary>Set up for the host the viewer reached the dashboard on (the exporter can likely reach it too).</summary>
    public void Load(string host)
    {
        var bare = string.IsNullOrWhiteSpace(host) ? options.ListenAddress : host;
        OtlpHttpEndpoint = $"http://{bare}:{options.Ingest.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        OtlpGrpcEndpoint = $"http://{bare}:{options.Ingest.GrpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    public ConnectSnippets Snippets(string? key, string? team, string? feature) => new(OtlpHttpEndpoint, key, team, feature);

    public static bool MayCreateKeys(ClaimsPrincipal user) => Roles.MayCreateIngestKeys(user);

    /// <summary>Creates the key; the caller shows the returned key once (only its hash is stored).</summary>
    /// <returns>The key, or a problem with the named field.</returns>
    public async Task<(string? Key, string? Field, string? Problem)> CreateKeyAsync(NewKeyInput input, ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!MayCreateKeys(user))
        {
            return (null, null, "Only admins and leads may create ingest keys.");
        }

        if (ProjectStore.NameProblem(input.Project) is { } projectProblem)
        {
            return (null, nameof(NewKeyInput.Project), projectProblem);
        }

        // Creating a project is an admin's change, as in the API: leads add keys to existing ones.
        var project = input.Project.Trim();
        if (!user.IsInRole(Roles.Admin) && !(await projects.ListAsync(cancellationToken)).Any(p => p.Name == project))
        {
            return (null, nameof(NewKeyInput.Project), $"There is no project '{project}', and only admins create projects: choose an existing one or ask an admin.");
        }

        if (string.IsNullOrWhiteSpace(input.Name) || input.Name.Any(char.IsControl))
        {
            return (null, nameof(NewKeyInput.Name), "Give the key a name that says who uses it, for example 'checkout-service'.");
        }

        var (_, key) = await keys.CreateIngestKeyAsync(project, input.Name.Trim(), null, user.Identity?.Name ?? "unknown", cancellationToken);
        return (key, null, null);
    }
}
