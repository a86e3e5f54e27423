using Tollgate.OrchestratedApp;
using Tollgate.OrchestratedApp.Demo;
using Tollgate.OrchestratedApp.Load;
using Tollgate.OrchestratedApp.Revenue;
using Tollgate.OrchestratedApp.Telemetry;

const string Usage = """
    usage:
      OrchestratedApp demo (--endpoint URL --key KEY | OTEL_EXPORTER_OTLP_* variables) [--days 7] [--requests-per-day 400] [--seed 42] [--live]
                           [--cache-rate 0.2] [--retry-rate 0.05] [--fallback-rate 0.03]
                           [--api URL --api-key KEY]   (also reports daily revenue per feature)
      OrchestratedApp load --endpoint URL --key KEY --spans-per-second N [--duration 30] [--batch-size 512]
    Without --endpoint, the exporter is configured by the standard OTEL_EXPORTER_OTLP_ENDPOINT,
    OTEL_EXPORTER_OTLP_PROTOCOL and OTEL_EXPORTER_OTLP_HEADERS variables; OTEL_RESOURCE_ATTRIBUTES
    is always read.
    """;

try
{
    var cli = new CommandLine(args);
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        stop.Cancel();
    };

    switch (cli.Command)
    {
        case "demo":
        {
            var options = new DemoOptions
            {
                Days = cli.Count("days", 7),
                RequestsPerDay = cli.Count("requests-per-day", 400),
                Seed = cli.Count("seed", 42),
                Live = cli.Flag("live"),
                CacheRate = cli.Number("cache-rate", 0.20),
                RetryRate = cli.Number("retry-rate", 0.05),
                FallbackRate = cli.Number("fallback-rate", 0.03),
            };
            if (options.Validate() is { } problem)
            {
                throw new FormatException(problem);
            }

            var target = cli.Optional("endpoint") is null && Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 }
                ? OtlpTarget.FromEnvironment()
                : new OtlpTarget(new Uri(cli.Required("endpoint")), cli.Required("key"));
            if (cli.Optional("api") is { } api)
            {
                var sent = await new RevenueReporter(new Uri(api), cli.Required("api-key"))
                    .ReportAsync(DateTime.UtcNow.Date, options.Days, options.Seed, stop.Token);
                Console.WriteLine($"reported {sent} daily revenue figures");
            }

            var result = new DemoGenerator(options, target.Create, Console.Out).Run(stop.Token);
            Console.WriteLine(result.Summary(options) + $" exported={target.Stats.Exported} rejected={target.Stats.Rejected} errors={target.Stats.Failed}");
            return target.Stats.Exported == result.Spans ? 0 : 1;
        }

        case "load":
        {
            var target = new OtlpTarget(new Uri(cli.Required("endpoint")), cli.Required("key"), cli.Count("batch-size", 512));
            var rate = cli.Number("spans-per-second", 0);
            if (rate <= 0)
            {
                throw new FormatException("--spans-per-second is required and must be positive.");
            }

            var runner = new LoadRunner(target, rate, TimeSpan.FromSeconds(cli.Count("duration", 30)));
            Console.WriteLine(runner.Run(stop.Token));
            return target.Stats.Failed + target.Stats.Rejected == 0 ? 0 : 1;
        }

        default:
            Console.Error.WriteLine(Usage);
            return 2;
    }
}
catch (FormatException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(Usage);
    return 2;
}
