using MudBlazor;

namespace Tollgate.Dashboard.Web.Components.Layout;

/// <summary>The MudBlazor theme: the platform's own fonts, since no web font can be fetched and none is needed.</summary>
public static class DashboardTheme
{
    private static readonly string[] SystemFonts =
        ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "Noto Sans", "Liberation Sans", "sans-serif"];

    public static MudTheme Theme { get; } = new()
    {
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = SystemFonts },
        },
    };
}
