using Microsoft.AspNetCore.Diagnostics;
using Tollgate.Analytics.Storage;

namespace Tollgate.Dashboard.Web.Api;

/// <summary>Turns exceptions into RFC 7807 problem details with a message a person can act on.</summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var context = httpContext;
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", bad.Message),
            // A statement the server refuses is a bug, not an outage: it must not tell clients to just retry.
            _ when DatabaseOutage.Is(exception) => (StatusCodes.Status503ServiceUnavailable, "Database unavailable", "Tollgate cannot reach its database right now; try again shortly."),
            _ => (StatusCodes.Status500InternalServerError, "Unexpected error", "Something went wrong on the server; it has been logged."),
        };
        if (status >= 500)
        {
            logger.LogError(exception, "Request {Path} failed", context.Request.Path);
        }

        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "5";
        }

        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
