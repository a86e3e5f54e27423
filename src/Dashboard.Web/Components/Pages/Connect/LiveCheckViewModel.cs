using Microsoft.EntityFrameworkCore;
using Tollgate.Analytics.Spans;
using Tollgate.Analytics.Storage;

namespace Tollgate.Dashboard.Web.Components.Pages.Connect;

/// <summary>The spans a project received in the last minutes, explained (the Connect page's live check).</summary>
public sealed class LiveCheckViewModel(TollgateDbContext db, SpanQuery spans, TimeProvider time)
{
    /// <summary>How far back the live check looks: it is for an exporter being wired in now.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    /// <summary>Spans stamped a little ahead of this server's clock still count (clock skew).</summary>
    public static readonly TimeSpan FutureAllowance = TimeSpan.FromMinutes(5);

    /// <summary>Rows shown: enough to see a trace arrive, few enough to poll every two seconds.</summary>
    public const int MaxRows = 20;

    public string Project { get; private set; } = "";
    public bool ProjectExists { get; private set; }
    public IReadOnlyList<RecognisedSpan> Spans { get; private set; } = [];

    /// <summary>Per service, what its instrumentation sent over the last day (loaded with the page and when new spans show, not with each poll).</summary>
    public IReadOnlyList<ServiceCoverage> Coverage { get; private set; } = [];

    /// <summary>The look-back of <see cref="Coverage"/>.</summary>
    public static readonly TimeSpan CoverageWindow = TimeSpan.FromDays(1);

    public async Task LoadAsync(string project, CancellationToken cancellationToken = default)
    {
        if (await ProjectIdAsync(project, cancellationToken) is not { } id)
        {
            Spans = [];
            return;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var recent = await spans.RecentSpansAsync(id, now - Window, now + FutureAllowance, MaxRows, cancellationToken);
        Spans = recent.Select(SpanRecognition.Describe).ToList();
    }

    public async Task LoadCoverageAsync(string project, CancellationToken cancellationToken = default)
    {
        if (await ProjectIdAsync(project, cancellationToken) is not { } id)
        {
            Coverage = [];
            return;
        }

        var now = time.GetUtcNow().UtcDateTime;
        Coverage = await spans.UsageCoverageAsync(id, now - CoverageWindow, now + FutureAllowance, cancellationToken);
    }

    private async Task<int?> ProjectIdAsync(string project, CancellationToken cancellationToken)
    {
        Project = project;
        var projectId = await db.Projects.AsNoTracking().Where(p => p.Name == project).Select(p => (int?)p.Id).FirstOrDefaultAsync(cancellationToken);
        ProjectExists = projectId is not null;
        return projectId;
    }
}
