namespace Tollgate.Samples.Tests;

/// <summary>
/// Tests that run the sample system in this process. Its ActivitySources have fixed names, and
/// every tracer provider in a process that listens to a name receives the activities of every
/// source of that name: run side by side, one test's spans were exported by the other test's
/// exporters. Tests in one collection run one at a time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SampleSources
{
    public const string Name = "sample activity sources";
}
