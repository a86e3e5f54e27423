using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace Tollgate.Dashboard.Web.Components.Tests;

/// <summary>
/// The rules every data page keeps over a circuit, checked on a page whose model says when its
/// work starts and ends and when its scope is disposed.
/// </summary>
public sealed class DataPageTests : BunitContext
{
    public DataPageTests()
    {
        Services.AddScoped<ProbeModel>();
    }

    [Fact]
    public async Task A_page_closed_mid_load_cancels_the_load_and_disposes_its_scope_only_after_the_load_has_ended()
    {
        var page = Render<ProbePage>();
        var model = page.Instance.Probe;
        await model.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await DisposeComponentsAsync();

        Assert.Equal(["load started", "load cancelled", "load ended", "scope disposed"], model.Events);
    }

    [Fact]
    public async Task Work_runs_one_piece_at_a_time()
    {
        var page = Render<ProbePage>();
        var model = page.Instance.Probe;
        await model.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var second = page.Instance.RunNow(() => model.Note("second work"));
        Assert.False(second.IsCompleted);
        Assert.DoesNotContain("second work", model.Events);

        model.Release.SetResult();
        await second.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["load started", "load ended", "second work"], model.Events);
    }

    [Fact]
    public void Each_page_has_a_model_of_its_own_so_two_pages_never_share_a_database_context()
    {
        var first = Render<ProbePage>();
        var second = Render<ProbePage>();

        Assert.NotSame(first.Instance.Probe, second.Instance.Probe);
    }

    [Fact]
    public async Task Work_asked_for_after_the_page_has_gone_is_cancelled_without_touching_the_model()
    {
        var page = Render<ProbePage>();
        var instance = page.Instance;
        await instance.Probe.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await DisposeComponentsAsync();

        var late = instance.RunNow(() => throw new InvalidOperationException("ran after the page had gone"));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => late);
    }

    /// <summary>A model whose load waits until released or cancelled, and which logs what happens to it.</summary>
    public sealed class ProbeModel : IAsyncDisposable
    {
        private readonly List<string> _events = [];

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<string> Events
        {
            get
            {
                lock (_events)
                {
                    return [.. _events];
                }
            }
        }

        public void Note(string what)
        {
            lock (_events)
            {
                _events.Add(what);
            }
        }

        public async Task LoadAsync(CancellationToken cancellationToken)
        {
            Note("load started");
            Started.SetResult();
            try
            {
                await Release.Task.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Note("load cancelled");
                // A cancelled query still takes a moment to hand its connection back.
                await Task.Delay(50, CancellationToken.None);
                Note("load ended");
                throw;
            }

            Note("load ended");
        }

        public ValueTask DisposeAsync()
        {
            Note("scope disposed");
            return ValueTask.CompletedTask;
        }
    }

    public sealed class ProbePage : DataPage<ProbeModel>
    {
        public ProbeModel Probe => Model;

        public Task RunNow(Action work) => RunAsync(_ =>
        {
            work();
            return Task.CompletedTask;
        });

        protected override Task OnInitializedAsync() => RunAsync(Model.LoadAsync);
    }
}
