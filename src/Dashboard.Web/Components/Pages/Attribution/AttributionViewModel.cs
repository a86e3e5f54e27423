using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Tollgate.Analytics.AttributionRules;
using Tollgate.Analytics.Configuration;
using Tollgate.Analytics.Projects;
using Tollgate.Dashboard.Web.Api;

namespace Tollgate.Dashboard.Web.Components.Pages.Attribution;

/// <summary>The rule form: an attribute key of the team's own naming and what it stands for.</summary>
public sealed class RuleForm
{
    /// <summary>0 for a new rule, else the id of the rule being edited.</summary>
    public int Id { get; set; }

    /// <summary>The project whose spans the rule reads; empty means the default project. A rule keeps its project when edited.</summary>
    public string? Project { get; set; }

    public string? AttributeKey { get; set; }

    public string? Target { get; set; } = "team";

    public static RuleForm Of(AttributionRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return new() { Id = rule.Id, Project = rule.Project, AttributeKey = rule.AttributeKey, Target = rule.Target };
    }
}

/// <summary>
/// A rule as the list shows it. <paramref name="Order"/> is its place among its project's rules:
/// when a span carries two keys read as the same thing, the rule that comes first wins.
/// </summary>
public sealed record RuleRow(AttributionRule Rule, int Order)
{
    public string Project => Rule.Project;
    public string AttributeKey => Rule.AttributeKey;
    public string Target => Rule.Target;
    public string CreatedBy => Rule.CreatedBy;
    public DateTime CreatedAt => Rule.CreatedAt;
}

/// <summary>The outcome of a change: problems by form field ("" for the form as a whole), empty when it worked.</summary>
public sealed record RuleChangeResult(IReadOnlyDictionary<string, string> Problems, AttributionRule? Rule = null)
{
    public bool Succeeded => Problems.Count == 0;

    public static RuleChangeResult Problem(string field, string message) => new(new Dictionary<string, string> { [field] = message });
}

/// <summary>
/// The attribution rules page: lists the rules in the order the receiver applies them, and lets
/// those the attribution-rules API lets change rules add, edit and delete them. The receiver caches
/// rules with ingest keys, so every change drops that cache.
/// </summary>
public sealed class AttributionViewModel(AttributionRuleStore store, ProjectStore projects, TollgateOptions options, IAuthorizationService authorization, IServiceProvider services)
{
    /// <summary>The policy of the API's rule writes, and so of the page's buttons.</summary>
    public const string ChangePolicy = ApiPolicies.Admin;

    private const string Refused = "Only admins may change attribution rules.";

    public IReadOnlyList<RuleRow> Rows { get; private set; } = [];

    /// <summary>The projects a rule can apply to, by name; the form offers a choice when there are several.</summary>
    public IReadOnlyList<string> Projects { get; private set; } = [];

    public string DefaultProject => options.DefaultProject;

    public async Task<bool> MayChangeAsync(ClaimsPrincipal user) => (await authorization.AuthorizeAsync(user, ChangePolicy)).Succeeded;

    /// <summary>Whether the row holds <paramref name="search"/> in its project, key, target or author (any case).</summary>
    public static bool Matches(RuleRow row, string? search)
    {
        ArgumentNullException.ThrowIfNull(row);
        return string.IsNullOrWhiteSpace(search)
            || new[] { row.Project, row.AttributeKey, row.Target, row.CreatedBy }.Any(text => text.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase));
    }

    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        var rules = await store.ListAsync(cancellationToken);
        // The receiver reads a project's rules by id: the earlier rule comes first.
        Rows = [.. rules.GroupBy(r => r.Project, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .SelectMany(g => g.OrderBy(r => r.Id).Select((rule, index) => new RuleRow(rule, index + 1)))];
        await LoadProjectsAsync(cancellationToken);
    }

    /// <summary>Reads <see cref="Projects"/> alone, for the form.</summary>
    public async Task LoadProjectsAsync(CancellationToken cancellationToken = default) =>
        Projects = [.. (await projects.ListAsync(cancellationToken)).Select(p => p.Name).Order(StringComparer.Ordinal)];

    /// <summary>Problems of the form by field name; empty when the rule can be stored.</summary>
    public static Dictionary<string, string> Check(RuleForm form)
    {
        ArgumentNullException.ThrowIfNull(form);
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        if (form.Id == 0 && !string.IsNullOrWhiteSpace(form.Project) && ProjectStore.NameProblem(form.Project.Trim()) is { } projectProblem)
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

    /// <summary>Adds the rule (form id 0) to the chosen project, the default one when none is chosen, or changes the rule being edited.</summary>
    public async Task<RuleChangeResult> SaveAsync(RuleForm form, ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (!await MayChangeAsync(user))
        {
            return RuleChangeResult.Problem("", Refused);
        }

        var problems = Check(form);
        if (problems.Count > 0)
        {
            return new RuleChangeResult(problems);
        }

        AttributionRule? saved;
        try
        {
            var key = form.AttributeKey!.Trim();
            if (form.Id == 0)
            {
                var project = string.IsNullOrWhiteSpace(form.Project) ? options.DefaultProject : form.Project.Trim();
                saved = await store.AddAsync(project, key, form.Target!, Actor(user), cancellationToken);
            }
            else
            {
                saved = await store.UpdateAsync(form.Id, key, form.Target!, Actor(user), cancellationToken);
            }
        }
        catch (InvalidOperationException ex)
        {
            return RuleChangeResult.Problem(nameof(RuleForm.AttributeKey), ex.Message);
        }

        if (saved is null)
        {
            return RuleChangeResult.Problem("", "The rule no longer exists: it may have been deleted meanwhile.");
        }

        ReceiverKeyCache.Invalidate(services);
        return new RuleChangeResult(new Dictionary<string, string>(), saved);
    }

    /// <summary>Deletes the rule; null when done, else why not.</summary>
    public async Task<string?> DeleteAsync(int id, ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        if (!await MayChangeAsync(user))
        {
            return Refused;
        }

        if (!await store.DeleteAsync(id, Actor(user), cancellationToken))
        {
            return "The rule no longer exists: it may have been deleted meanwhile.";
        }

        ReceiverKeyCache.Invalidate(services);
        return null;
    }

    private static string Actor(ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";
}
