using System.Collections.Concurrent;
using System.Diagnostics;

namespace Baton.Runtime;

/// <summary>
/// Starts processes from one dedicated thread that lives as long as this process. A command started to die with its
/// parent (<c>PR_SET_PDEATHSIG</c>) is sent its signal when the <em>thread</em> that forked it exits, and
/// <see cref="Process.Start()"/> forks on the calling thread: called from a thread-pool thread, which the pool retires
/// when it idles, the command would be killed long before baton dies.
/// </summary>
internal static class ProcessSpawner
{
    // In this order: the thread takes requests from the collection as soon as it starts.
    private static readonly BlockingCollection<Request> Requests = new();
    private static readonly Thread Spawner = StartThread();

    /// <summary>Starts <paramref name="info"/> on the spawner thread; throws what <see cref="Process.Start(ProcessStartInfo)"/> throws.</summary>
    public static Task<Process?> StartAsync(ProcessStartInfo info)
    {
        if (!Spawner.IsAlive)
        {
            throw new InvalidOperationException("The process spawner thread has stopped.");
        }

        var request = new Request(info, new TaskCompletionSource<Process?>(TaskCreationOptions.RunContinuationsAsynchronously));
        Requests.Add(request);
        return request.Done.Task;
    }

    private static Thread StartThread()
    {
        var thread = new Thread(Loop) { IsBackground = true, Name = "baton process spawner" };
        thread.Start();
        return thread;
    }

    private static void Loop()
    {
        foreach (var request in Requests.GetConsumingEnumerable())
        {
            try
            {
                request.Done.SetResult(Process.Start(request.Info));
            }
            catch (Exception exception)
            {
                request.Done.SetException(exception);
            }
        }
    }

    private sealed record Request(ProcessStartInfo Info, TaskCompletionSource<Process?> Done);
}
