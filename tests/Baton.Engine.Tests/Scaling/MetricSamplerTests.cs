using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Baton.Engine.Scaling;
using Baton.Values;

namespace Baton.Engine.Tests.Scaling;

/// <summary>The autoscaler's metric readings against real sources: /proc for CPU, an HTTP endpoint for Prometheus text.</summary>
public sealed class MetricSamplerTests
{
    [Fact]
    public async Task Cpu_BusyAndIdleProcesses_ReadNearAFullCoreAndNearZero()
    {
        using var busy = Process.Start(new ProcessStartInfo("python3") { ArgumentList = { "-c", "while True: pass" } })!;
        using var idle = Process.Start(new ProcessStartInfo("sleep") { ArgumentList = { "30" } })!;
        try
        {
            var busySampler = new MetricSampler("cpu", null, null, "/metrics", new HttpClient(), TimeProvider.System);
            var idleSampler = new MetricSampler("cpu", null, null, "/metrics", new HttpClient(), TimeProvider.System);
            var busyAttributes = Pids(busy.Id);
            var idleAttributes = Pids(idle.Id);

            Assert.Null((await busySampler.SampleAsync(busyAttributes, 1, CancellationToken.None)).Value);
            await idleSampler.SampleAsync(idleAttributes, 1, CancellationToken.None);
            await Task.Delay(TimeSpan.FromSeconds(2));
            var (busyCpu, _) = await busySampler.SampleAsync(busyAttributes, 1, CancellationToken.None);
            var (idleCpu, _) = await idleSampler.SampleAsync(idleAttributes, 1, CancellationToken.None);

            // A spinning process reads clearly above zero (how much of a core it gets depends on what else the machine
            // runs: from about 10 % with the whole test suite in parallel on two cores to 100 % alone); a sleeping one
            // reads nothing.
            Assert.InRange(busyCpu!.Value, 3, 110);
            Assert.InRange(idleCpu!.Value, 0, 2);
            Assert.True(busyCpu > (idleCpu * 5) + 1, $"busy {busyCpu:0.0} %, idle {idleCpu:0.0} %");
        }
        finally
        {
            busy.Kill();
            idle.Kill();
        }
    }

    [Fact]
    public async Task Cpu_IdleMainProcessWithABusyChild_ReadsTheChildsWork()
    {
        // As a container's init, or a shell that waits: the replica's main process idles while what it started spins.
        using var parent = Process.Start(new ProcessStartInfo("sh") { ArgumentList = { "-c", "python3 -c 'while True: pass' & wait" } })!;
        try
        {
            var sampler = new MetricSampler("cpu", null, null, "/metrics", new HttpClient(), TimeProvider.System);
            var attributes = Pids(parent.Id);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!File.Exists($"/proc/{parent.Id}/task/{parent.Id}/children") || File.ReadAllText($"/proc/{parent.Id}/task/{parent.Id}/children").Trim().Length == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "the busy child did not start");
                await Task.Delay(20);
            }

            Assert.Null((await sampler.SampleAsync(attributes, 1, CancellationToken.None)).Value);
            await Task.Delay(TimeSpan.FromSeconds(2));
            var (cpu, _) = await sampler.SampleAsync(attributes, 1, CancellationToken.None);
            Assert.InRange(cpu!.Value, 3, 110);
        }
        finally
        {
            parent.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Prometheus_CounterAcrossReplicas_IsItsRatePerReplica_AndAGaugeItsAverage()
    {
        var counter = 0L;
        using var listener = new HttpListener();
        var port = LoopbackPort.Free();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var serving = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (HttpListenerException)
                {
                    return;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }

                var total = Interlocked.Add(ref counter, 100);
                var body = Encoding.UTF8.GetBytes(
                    "# TYPE shop_requests_total counter\n" +
                    $"shop_requests_total{{path=\"/products\"}} {total.ToString(CultureInfo.InvariantCulture)}\n" +
                    "shop_requests_total{path=\"/healthz\"} 5\n" +
                    "# TYPE shop_queue gauge\nshop_queue 7\n");
                context.Response.ContentType = "text/plain; version=0.0.4";
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        });

        // Two "replicas" at the same endpoint: each reading adds 100 to the counter for each of them.
        var attributes = Value.Map([new("endpoints", Value.List([Value.String($"127.0.0.1:{port}"), Value.String($"127.0.0.1:{port}")]))]);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch);
        using var http = new HttpClient();
        var rate = new MetricSampler("prometheus", null, "shop_requests_total{path=\"/products\"}", "/metrics", http, time);
        var gauge = new MetricSampler("prometheus", null, "shop_queue", "/metrics", http, time);

        Assert.Null((await rate.SampleAsync(attributes, 2, CancellationToken.None)).Value);
        time.Advance(TimeSpan.FromSeconds(2));
        var (perReplica, problem) = await rate.SampleAsync(attributes, 2, CancellationToken.None);
        var (queue, _) = await gauge.SampleAsync(attributes, 2, CancellationToken.None);
        listener.Stop();
        await serving;

        // The summed counter went from 100 + 200 to 300 + 400 (each reading adds 100) in 2 s: 200/s, 100/s per replica.
        Assert.Null(problem);
        Assert.Equal(100, perReplica);
        Assert.Equal(7, queue);
    }

    private static Value Pids(int pid) => Value.Map([new("pids", Value.List([Value.Number(pid)]))]);
}
