using Tollgate.Dashboard.Web.Components.Pages.Connect;

namespace Tollgate.Dashboard.Web.Tests.Components;

public sealed class ConnectSnippetsTests
{
    [Fact]
    public void The_variables_carry_endpoint_protocol_key_and_attribution()
    {
        var snippets = new ConnectSnippets("http://tollgate.internal:4318/", "tg_ingest_abc", "payments", "checkout");

        snippets.EnvironmentVariables.ShouldBe(
        [
            new EnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT", "http://tollgate.internal:4318"),
            new EnvironmentVariable("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
            new EnvironmentVariable("OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=tg_ingest_abc"),
            new EnvironmentVariable("OTEL_RESOURCE_ATTRIBUTES", "tollgate.team=payments,tollgate.feature=checkout"),
        ]);
    }

    [Fact]
    public void Attribution_values_are_percent_encoded_so_commas_and_spaces_cannot_break_the_list()
    {
        var snippets = new ConnectSnippets("http://h:4318", null, "platform team", "a,b=c");

        snippets.EnvironmentVariables[3].Value.ShouldBe("tollgate.team=platform%20team,tollgate.feature=a%2Cb%3Dc");
        snippets.EnvironmentVariables[2].Value.ShouldBe("x-api-key=" + ConnectSnippets.KeyPlaceholder);
    }

    [Fact]
    public void Shell_exports_quote_values_so_a_quote_in_a_name_stays_literal()
    {
        var snippets = new ConnectSnippets("http://h:4318", "it's", "o'brien", "f");

        // In a single-quoted value a quote is closed, escaped and reopened: 'x-api-key=it'\''s'.
        snippets.Shell.ShouldContain("export OTEL_EXPORTER_OTLP_HEADERS='x-api-key=it'\\''s'\n", Case.Sensitive);
        // Attribution values are percent-encoded, quotes included.
        snippets.Shell.ShouldContain("export OTEL_RESOURCE_ATTRIBUTES='tollgate.team=o%27brien,tollgate.feature=f'\n", Case.Sensitive);
        snippets.Shell.ShouldStartWith("export OTEL_EXPORTER_OTLP_ENDPOINT='http://h:4318'\n");
    }
}
