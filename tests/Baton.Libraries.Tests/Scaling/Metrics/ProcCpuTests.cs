using Baton.Metrics;
using CsCheck;

namespace Baton.Libraries.Tests.Scaling.Metrics;

public sealed class ProcCpuTests
{
    private static string Stat(string comm, long utime, long stime, long start = 4242) =>
        $"1234 ({comm}) S 1 1234 1234 0 -1 4194560 1583 0 0 0 {utime} {stime} 0 0 20 0 1 0 {start} 12345678 456 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n";

    [Fact]
    public void ParseStat_PlainComm_ReadsUtimeAndStime()
    {
        var result = ProcCpu.ParseStat(Stat("nginx", 150, 42));

        Assert.True(result.IsSuccess, result.Error);
        var times = result.Value!;
        Assert.Equal((1234, "nginx", 'S', 150L, 42L, 192L, 4242L), (times.Pid, times.Comm, times.State, times.UserTicks, times.SystemTicks, times.TotalTicks, times.StartTicks));
    }

    [Theory]
    [InlineData("my app")]
    [InlineData("a) R 1 2 3 (b")]
    [InlineData(") ) )")]
    [InlineData("(")]
    [InlineData("")]
    public void ParseStat_CommWithSpacesAndParens_RunsToTheLastParen(string comm)
    {
        var result = ProcCpu.ParseStat(Stat(comm, 7, 3));

        Assert.True(result.IsSuccess, result.Error);
        Assert.Equal(comm, result.Value!.Comm);
        Assert.Equal(10, result.Value.TotalTicks);
    }

    [Fact]
    public void ParseStat_AnyComm_FindsTheTicks()
    {
        Gen.Select(Gen.Char["ab ()-:\t"].Array[0, 15].Select(c => new string(c)), Gen.Long[0, long.MaxValue / 4], Gen.Long[0, long.MaxValue / 4])
            .Sample((comm, utime, stime) =>
            {
                var result = ProcCpu.ParseStat(Stat(comm, utime, stime));

                Assert.Equal((comm, utime, stime), (result.Value!.Comm, result.Value.UserTicks, result.Value.SystemTicks));
            }, iter: 300);
    }

    [Theory]
    [InlineData("", "no parenthesised command name")]
    [InlineData("12 nginx S 1", "no parenthesised command name")]
    [InlineData("x (nginx) S 1", "the pid \"x\"")]
    [InlineData("12 (nginx) S 1 2 3", "the stat text has 6 fields; at least 22 are needed")]
    public void ParseStat_Malformed_ExplainsWhatIsWrong(string text, string expected)
    {
        var result = ProcCpu.ParseStat(text);

        Assert.False(result.IsSuccess);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseStat_NonNumericUtime_NamesTheField()
    {
        var result = ProcCpu.ParseStat(Stat("x", 1, 2).Replace(" 1 2 0 0 20", " 1 zz 0 0 20", StringComparison.Ordinal));

        Assert.Contains("stime (field 15) \"zz\"", result.Error, StringComparison.Ordinal);
    }
}
