using Tollgate.Analytics.Changes;
using Tollgate.Dashboard.Web.Components.Display;
using Tollgate.Dashboard.Web.Components.Pages;
using Tollgate.Dashboard.Web.Components.Pages.Admin;
using Tollgate.Dashboard.Web.Components.Pages.Attribution;
using Tollgate.Dashboard.Web.Components.Pages.Audit;
using Tollgate.Dashboard.Web.Components.Pages.Budgets;
using Tollgate.Dashboard.Web.Components.Pages.Connect;
using Tollgate.Dashboard.Web.Components.Pages.Insights;
using Tollgate.Dashboard.Web.Components.Pages.Pnl;
using Tollgate.Dashboard.Web.Components.Pages.Dependencies;
using Tollgate.Dashboard.Web.Components.Pages.Traces;

namespace Tollgate.Dashboard.Web.Components;

/// <summary>
/// The web pages' services: one view model per page, which a page resolves in a scope of its own
/// (see <see cref="DataPage{TModel}"/>). A new page registers its view model here.
/// </summary>
public static class DashboardPages
{
    public static IServiceCollection AddDashboardPages(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddScoped<ViewerClock>();
        // Open pages reload their figures when a job anywhere changed them.
        services.AddSingleton<DataChangeFeed>();
        services.AddHostedService<DataChangeListener>();
        services.AddScoped<HomeViewModel>();
        services.AddSingleton<WeeklyReviewReads>();
        services.AddScoped<ConnectViewModel>();
        services.AddScoped<LiveCheckViewModel>();
        services.AddScoped<TracesViewModel>();
        services.AddScoped<TraceDetailViewModel>();
        services.AddScoped<PricesViewModel>();
        services.AddScoped<UsersViewModel>();
        services.AddScoped<PnlViewModel>();
        services.AddScoped<BenchmarksViewModel>();
        services.AddScoped<ScenariosViewModel>();
        services.AddScoped<BudgetsViewModel>();
        services.AddScoped<AuditViewModel>();
        services.AddScoped<AttributionViewModel>();
        services.AddScoped<DependenciesViewModel>();
        return services;
    }
}
