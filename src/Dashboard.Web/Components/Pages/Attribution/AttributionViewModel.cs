using System.Security.Claims;
using Tollgate.Analytics.AttributionRules;
using Tollgate.Analytics.Configuration;
using Tollgate.Analytics.Projects;
using Tollgate.Dashboard.Web.Accounts;
using Tollgate.Dashboard.Web.Api;

namespace Tollgate.Dashboard.Web.Components.Pages.Attribution;

/// <summary>The add-rule form: an attribute key of the team's own naming and what it stands for.</summary>
public sealed class RuleForm
{
    /// <summary>The project whose spans the rule reads; empty means the default project.</summary>
    public string? Project { get; set; }

    public string? AttributeKey { get; set; }

    public string? Target { get; set; } = "team";
}

/// <summary>The delete form of one rule's row.</summary>
public sealed class RuleIdInput
{
    public int Id { get; set; }
}

/// <summary>
/// The attribution rules page: lists the rules, and lets admins add and delete them. The receiver
/// caches rules with ingest keys, so every change drops that cache.
/// </summary>
public sealed class AttributionViewModel(AttributionRuleStore store, ProjectStore projects, TollgateOptions options, IServiceProvider services)
{
    public IReadOnlyList<AttributionRule> Rules { get; private set; } = [];

    /// <summary>The projects a rule can apply to, by name; the form offers a choice when there are several.</summary>
    public IReadOnlyList<string> Projects { get; private set; } = [];

    public string DefaultProject => options.DefaultProject;

    public static bool MayChange(ClaimsPrincipal user) => user.IsInRole(Roles.Admin);

    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        Rules = await store.ListAsync(cancellationToken);
        Projects = [.. (await projects.ListAsync(cancellationToken)).Select(p => p.Name).Order(StringComparer.Ordinal)];
    }

    /// <summary>Problems of the form by field name; empty when the rule can be added.</summary>
    public static Dictionary<string, string> Check(RuleForm form)
    {
        ArgumentNullException.ThrowIfNull(form);
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(form.Project) && ProjectStore.NameProblem(form.Project.Trim()) is { } projectProblem)
        {
            problems[""] = projectProblem;
        }

        var key = form.AttributeKey?.Trim();
        if (string.IsNullOrEmpty(key) || key.Length > AttributionRuleStore.MaxKeyLength || key.Any(char.IsWhiteSpace))
        {
            problems[nameof(RuleForm.AttributeKey)] =
                $"Give the attribute key as your spans carry it, 1 to {AttributionRuleStore.MaxKeyLength} characters without spaces, for example app.squad.";
        }

        if (form.Target is null || !AttributionRuleStore.Targets.Contains(form.Target))
        {
            problems[nameof(RuleForm.Target)] = "Choose what the attribute stands for: team, feature or customer.";
        }

        return problems;
    }

    /// <summary>Adds the rule to the chosen project (the default one when none is chosen); problems by field ("" for the form), empty when it was added.</summary>
    public async Task<Dictionary<string, string>> AddAsync(RuleForm form, ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        if (!MayChange(user))
        {
            return new() { [""] = "Only admins may change attribution rules." };
        }

        var problems = Check(form);
        if (problems.Count > 0)
        {
            return problems;
        }

        try
        {
            var project = string.IsNullOrWhiteSpace(form.Project) ? options.DefaultProject : form.Project.Trim();
            await store.AddAsync(project, form.AttributeKey!.Trim(), form.Target!, user.Identity?.Name ?? "unknown", cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            return new() { [nameof(RuleForm.AttributeKey)] = ex.Message };
        }

        ReceiverKeyCache.Invalidate(services);
        return problems;
    }

    /// <summary>Deletes the rule; null when done, else why not.</summary>
    public async Task<string?> DeleteAsync(int id, ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        if (!MayChange(user))
        {
            return "Only admins may change attribution rules.";
        }

        if (!await store.DeleteAsync(id, user.Identity?.Name ?? "unknown", cancellationToken))
        {
            return "The rule no longer exists: it may have been deleted meanwhile.";
        }

        ReceiverKeyCache.Invalidate(services);
        return null;
    }
}
