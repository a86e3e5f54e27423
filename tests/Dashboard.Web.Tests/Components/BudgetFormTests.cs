using Microsoft.AspNetCore.Components.Forms;
using Tollgate.Dashboard.Web.Components.Pages.Budgets;

namespace Tollgate.Dashboard.Web.Tests.Components;

public sealed class BudgetFormTests
{
    [Fact]
    public void A_valid_form_becomes_a_definition_with_thresholds_as_fractions()
    {
        var form = new BudgetForm { Scope = "team", ScopeKey = " checkout ", Period = "weekly", AmountUsd = 250m, Thresholds = "80, 50%,120" };

        var (definition, problems) = BudgetsViewModel.Check(form, "default", smtpConfigured: false);

        problems.ShouldBeEmpty();
        definition.ShouldNotBeNull();
        // 50 % → 0.5, 80 % → 0.8, 120 % → 1.2, sorted.
        definition.Thresholds.ShouldBe([0.5m, 0.8m, 1.2m]);
        (definition.Scope, definition.ScopeKey, definition.Period, definition.AmountUsd, definition.Name).ShouldBe(("team", "checkout", "weekly", 250m, "checkout weekly"));
    }

    [Fact]
    public void An_edited_budget_shows_its_thresholds_as_percentages()
    {
        var form = BudgetForm.Of(new Analytics.Budgets.Budget(7, 1, "default", "Checkout", "team", "checkout", "monthly", 100m, [0.5m, 0.75m, 1m],
            null, null, ["a@example.com", "b@example.com"], "admin", DateTime.UtcNow, DateTime.UtcNow));

        (form.Id, form.Thresholds, form.EmailRecipients).ShouldBe((7, "50, 75, 100", "a@example.com, b@example.com"));
    }

    [Fact]
    public async Task Each_problem_is_shown_under_its_own_field()
    {
        var form = new BudgetForm
        {
            Scope = "team", ScopeKey = "", Period = "monthly", AmountUsd = 0m, Thresholds = "50, lots",
            WebhookUrl = "ftp://hooks.example.com/x", EmailRecipients = "finops@example.com",
        };
        var (definition, problems) = BudgetsViewModel.Check(form, "default", smtpConfigured: false);
        var edit = new EditContext(form) { ShouldUseFieldIdentifiers = true };
        var messages = new ValidationMessageStore(edit);
        foreach (var (field, problem) in problems)
        {
            messages.Add(new FieldIdentifier(form, field), problem);
        }

        var page = await Render.ComponentAsync<BudgetFormFields>(new Dictionary<string, object?> { ["EditContext"] = edit, ["Input"] = form });

        definition.ShouldBeNull();
        problems.Keys.Order(StringComparer.Ordinal).ShouldBe(["AmountUsd", "EmailRecipients", "ScopeKey", "Thresholds", "WebhookUrl"]);
        string MessageUnder(string inputId) => page.GetElementById(inputId)!.ParentElement!.QuerySelector(".invalid-feedback")?.TextContent ?? "";
        MessageUnder("b-key").ShouldBe("Give the team the budget limits, for example checkout.");
        MessageUnder("b-amount").ShouldBe("Give the amount in US dollars, greater than 0, for example 500.");
        MessageUnder("b-thresholds").ShouldBe("Give the thresholds as percentages separated by commas, for example 50, 80, 100.");
        MessageUnder("b-webhook").ShouldBe("Give an absolute http or https URL of at most 2000 characters.");
        MessageUnder("b-email").ShouldStartWith("Email alerts need a mail server");
        MessageUnder("b-period").ShouldBe("");
        MessageUnder("b-slack").ShouldBe("");
        // Every field has a label, and field names are the ones the page's form binding reads.
        foreach (var input in page.QuerySelectorAll("input:not([type=hidden]), select"))
        {
            page.QuerySelector($"label[for='{input.Id}']").ShouldNotBeNull($"{input.Id} has no label");
        }

        page.QuerySelector("#b-key")!.GetAttribute("name").ShouldBe("Input.ScopeKey");
        page.QuerySelector("input[type=hidden]")!.GetAttribute("name").ShouldBe("Input.Id");
    }

    [Fact]
    public async Task The_project_is_asked_for_only_when_there_are_several()
    {
        var form = new BudgetForm { Project = "mobile" };
        var edit = new EditContext(form);

        var one = await Render.ComponentAsync<BudgetFormFields>(new Dictionary<string, object?> { ["EditContext"] = edit, ["Input"] = form, ["Projects"] = new[] { "default" } });
        var several = await Render.ComponentAsync<BudgetFormFields>(new Dictionary<string, object?> { ["EditContext"] = edit, ["Input"] = form, ["Projects"] = new[] { "default", "mobile" } });

        one.QuerySelector("#b-project").ShouldBeNull();
        var select = several.QuerySelector("#b-project")!;
        select.GetAttribute("name").ShouldBe("Input.Project");
        select.QuerySelectorAll("option").Select(o => (o.GetAttribute("value"), o.HasAttribute("selected"))).ShouldBe([("default", false), ("mobile", true)]);
        several.QuerySelector("label[for='b-project']")!.TextContent.ShouldBe("Project");
    }

    [Fact]
    public void Thresholds_over_ten_times_the_amount_are_refused_in_percent_terms()
    {
        var form = new BudgetForm { Scope = "total", Period = "monthly", AmountUsd = 10m, Thresholds = "50, 1500" };

        var (_, problems) = BudgetsViewModel.Check(form, "default", smtpConfigured: false);

        problems["Thresholds"].ShouldBe("Give up to 10 thresholds as percentages above 0 and at most 1000, for example 50, 80, 100.");
    }
}
