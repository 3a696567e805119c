using Baton.Metrics;

namespace Baton.Libraries.Tests.Scaling.Metrics;

public sealed class NginxStubStatusTests
{
    [Fact]
    public void Parse_StubStatusPage_ReadsEveryCounter()
    {
        const string text = "Active connections: 2 \nserver accepts handled requests\n 10 10 25 \nReading: 0 Writing: 1 Waiting: 1 \n";

        var result = NginxStubStatus.Parse(text);

        Assert.True(result.IsSuccess, result.Error);
        Assert.Equal(
            new NginxStubStatus { Active = 2, Accepts = 10, Handled = 10, Requests = 25, Reading = 0, Writing = 1, Waiting = 1 },
            result.Value);
    }

    [Fact]
    public void Parse_CrLfAndLargeCounters_AreRead()
    {
        const string text = "Active connections: 291\r\nserver accepts handled requests\r\n 16630948198 16630948198 31070465745\r\nReading: 6 Writing: 179 Waiting: 106\r\n";

        var result = NginxStubStatus.Parse(text);

        Assert.Equal(31070465745, result.Value!.Requests);
        Assert.Equal(106, result.Value.Waiting);
    }

    [Theory]
    [InlineData("", "expected \"Active\" but the stub_status text ends")]
    [InlineData("<html>502 Bad Gateway</html>", "expected \"Active\" but found \"<html>502\"")]
    [InlineData("Active connections: x\n", "the active connections count \"x\" is not a non-negative integer")]
    [InlineData("Active connections: 2\nserver accepts handled requests\n 10 10\nReading: 0 Writing: 1 Waiting: 1", "the requests count \"Reading:\" is not a non-negative integer")]
    [InlineData("Active connections: 2\nserver accepts handled requests\n 10 10 -1\nReading: 0 Writing: 1 Waiting: 1", "the requests count \"-1\"")]
    [InlineData("Active connections: 2\nserver accepts handled requests\n 1 1 1\nReading: 0 Writing: 1", "expected \"Waiting:\" but the stub_status text ends")]
    [InlineData("Active connections: 2\nserver accepts handled requests\n 1 1 1\nReading: 0 Writing: 1 Waiting: 1 extra", "unexpected \"extra\" after the Waiting count")]
    public void Parse_MalformedText_ExplainsWhatIsWrong(string text, string expected)
    {
        var result = NginxStubStatus.Parse(text);

        Assert.False(result.IsSuccess);
        Assert.Null(result.Value);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }
}
