using System.Globalization;
using Baton.Access;
using Baton.Server.Security;
using CsCheck;

namespace Baton.Server.Tests;

/// <summary>The audit log's throttle for refused anonymous requests: per source, a limit per window and a summary of the rest.</summary>
public sealed class AuditThrottleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static AuditRecord Refused(string remote, DateTimeOffset at) => new()
    {
        At = at,
        Actor = Roles.Anonymous,
        Action = "POST /api/stacks/web/plans",
        Status = 401,
        Outcome = "refused",
        Remote = remote,
    };

    private static int Suppressed(AuditRecord summary) =>
        int.Parse(summary.Action.AsSpan(0, summary.Action.IndexOf(' ', StringComparison.Ordinal)), CultureInfo.InvariantCulture);

    [Fact]
    public void Admit_OverTheLimit_WritesNothing_ThenOneSummaryWhenTheWindowEnds()
    {
        var throttle = new AuditThrottle(3, TimeSpan.FromMinutes(1), 10);

        var written = Enumerable.Range(0, 10).SelectMany(i => throttle.Admit(Refused("10.0.0.1", T0.AddSeconds(i)))).ToList();

        Assert.Equal(3, written.Count);
        Assert.All(written, r => Assert.Equal("refused", r.Outcome));
        Assert.Empty(throttle.Flush(T0.AddSeconds(59), all: false));

        var next = throttle.Admit(Refused("10.0.0.1", T0.AddSeconds(61)));

        Assert.Equal(2, next.Count);
        Assert.Equal("suppressed", next[0].Outcome);
        Assert.Equal(7, Suppressed(next[0]));
        Assert.Equal("10.0.0.1", next[0].Remote);
        Assert.Equal(T0.AddMinutes(1), next[0].At);
        Assert.Equal(401, next[0].Status);
        Assert.Equal("refused", next[1].Outcome);
    }

    [Fact]
    public void Admit_EachSourceHasItsOwnAllowance()
    {
        var throttle = new AuditThrottle(2, TimeSpan.FromMinutes(1), 10);

        var a = Enumerable.Range(0, 5).SelectMany(i => throttle.Admit(Refused("10.0.0.1", T0.AddSeconds(i)))).Count();
        var b = Enumerable.Range(0, 5).SelectMany(i => throttle.Admit(Refused("10.0.0.2", T0.AddSeconds(i)))).Count();

        Assert.Equal((2, 2), (a, b));
        var summaries = throttle.Flush(T0.AddMinutes(2), all: false);
        Assert.Equal(["10.0.0.1", "10.0.0.2"], summaries.Select(s => s.Remote).Order(StringComparer.Ordinal));
        Assert.All(summaries, s => Assert.Equal(3, Suppressed(s)));
        Assert.Equal(0, throttle.Tracked);
    }

    [Fact]
    public void Admit_BeyondMaxSources_NewSourcesShareOneAllowance()
    {
        var throttle = new AuditThrottle(2, TimeSpan.FromMinutes(1), 3);

        var written = Enumerable.Range(0, 100).SelectMany(i => throttle.Admit(Refused($"10.0.{i}.1", T0))).Count();

        Assert.Equal(3 + 2, written);
        Assert.Equal(4, throttle.Tracked);
        var summary = Assert.Single(throttle.Flush(T0, all: true));
        Assert.Null(summary.Remote);
        Assert.Equal(100 - 5, Suppressed(summary));
    }

    [Fact]
    public void Flush_All_WritesOpenWindowsUpToNow()
    {
        var throttle = new AuditThrottle(1, TimeSpan.FromMinutes(1), 10);
        throttle.Admit(Refused("10.0.0.1", T0));
        throttle.Admit(Refused("10.0.0.1", T0.AddSeconds(5)));

        Assert.Empty(throttle.Flush(T0.AddSeconds(10), all: false));
        var summary = Assert.Single(throttle.Flush(T0.AddSeconds(10), all: true));

        Assert.Equal(1, Suppressed(summary));
        Assert.Equal(T0.AddSeconds(10), summary.At);
        Assert.Empty(throttle.Flush(T0.AddMinutes(5), all: true));
    }

    [Fact]
    public void EveryRefusal_IsWrittenOrCounted_AndNoWindowWritesMoreThanTheLimit()
    {
        var request = Gen.Select(Gen.Int[0, 5], Gen.Int[0, 30]);
        Gen.Select(Gen.Int[1, 5], Gen.Int[1, 4], request.Array[0, 200]).Sample((limit, maxSources, requests) =>
        {
            var throttle = new AuditThrottle(limit, TimeSpan.FromMinutes(1), maxSources);
            var at = T0;
            var rows = new List<AuditRecord>();
            foreach (var (source, gap) in requests)
            {
                at = at.AddSeconds(gap);
                rows.AddRange(throttle.Admit(Refused($"10.0.0.{source}", at)));
            }

            rows.AddRange(throttle.Flush(at, all: true));

            var single = rows.Where(r => r.Outcome == "refused").ToList();
            var summaries = rows.Where(r => r.Outcome == "suppressed").ToList();
            Assert.Equal(requests.Length, single.Count + summaries.Sum(Suppressed));
            Assert.Equal(0, throttle.Tracked);

            // Bounded: any minute overlaps at most two windows of each allowance (the tracked sources and the shared one).
            var bound = 2 * limit * (maxSources + 1);
            foreach (var row in single)
            {
                var inMinute = single.Count(r => r.At >= row.At && r.At < row.At.AddMinutes(1));
                Assert.True(inMinute <= bound, $"{inMinute} rows in the minute from {row.At:O}, more than {bound}");
            }
        });
    }
}
