using Tollgate.Analytics.Projects;

namespace Tollgate.Analytics.Tests.Projects;

public class ProjectResolveTests
{
    private static readonly (int Id, string Name)[] Projects = [(1, "default"), (2, "research"), (3, "7")];

    [Theory]
    [InlineData("research", 2)]
    [InlineData("2", 2)] // by number, as before names were accepted
    [InlineData("7", 3)] // a project named like a number is found by its name first
    [InlineData("9", null)]
    [InlineData("Research", null)]
    [InlineData("-1", null)]
    public void A_project_is_named_by_name_or_else_by_number(string nameOrId, int? expected) =>
        ProjectStore.Resolve(Projects, nameOrId).ShouldBe(expected);
}
