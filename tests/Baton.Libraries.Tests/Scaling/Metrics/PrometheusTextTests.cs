using Baton.Metrics;

namespace Baton.Libraries.Tests.Scaling.Metrics;

public sealed class PrometheusTextTests
{
    private const int Limit = 1 << 20;

    private const string Example = """
        # HELP http_requests_total The total number of HTTP requests.
        # TYPE http_requests_total counter
        http_requests_total{method="post",code="200"} 1027 1395066363000
        http_requests_total{method="post",code="400"}    3 1395066363000

        # A plain comment.
        msdos_file_access_time_seconds{path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\""} 1.458255915e9
        metric_without_timestamp_and_labels 12.47
        something_weird{problem="division by zero"} +Inf -3982045

        # HELP http_request_duration_seconds A histogram of the request duration.
        # TYPE http_request_duration_seconds histogram
        http_request_duration_seconds_bucket{le="0.05"} 24054
        http_request_duration_seconds_bucket{le="+Inf"} 144320
        http_request_duration_seconds_sum 53423
        http_request_duration_seconds_count 144320

        # TYPE rpc_duration_seconds summary
        rpc_duration_seconds{quantile="0.5"} 4773
        rpc_duration_seconds_sum 1.7560473e+07
        rpc_duration_seconds_count 2693
        """;

    [Fact]
    public void Parse_SpecificationExample_GroupsFamiliesAndReadsEverySample()
    {
        var result = PrometheusText.Parse(Example, Limit);

        Assert.True(result.IsSuccess, string.Join("\n", result.Errors));
        Assert.Equal(
            ["http_requests_total", "msdos_file_access_time_seconds", "metric_without_timestamp_and_labels", "something_weird", "http_request_duration_seconds", "rpc_duration_seconds"],
            result.Families.Select(f => f.Name));
        var requests = result.Families[0];
        Assert.Equal(MetricType.Counter, requests.Type);
        Assert.Equal("The total number of HTTP requests.", requests.Help);
        Assert.Equal(2, requests.Samples.Length);
        Assert.Equal(1395066363000, requests.Samples[0].TimestampMs);
        Assert.Equal("400", requests.Samples[1].Label("code"));
        Assert.Equal(3, requests.Samples[1].Value);

        var histogram = result.Families[4];
        Assert.Equal(MetricType.Histogram, histogram.Type);
        Assert.Equal(
            ["http_request_duration_seconds_bucket", "http_request_duration_seconds_bucket", "http_request_duration_seconds_sum", "http_request_duration_seconds_count"],
            histogram.Samples.Select(s => s.Name));
        var summary = result.Families[5];
        Assert.Equal(MetricType.Summary, summary.Type);
        Assert.Equal(3, summary.Samples.Length);
        Assert.Equal(1.7560473e+07, summary.Samples[1].Value);
        Assert.Equal(MetricType.Untyped, result.Families[2].Type);
        Assert.Equal(-3982045, result.Families[3].Samples[0].TimestampMs);
    }

    [Fact]
    public void Parse_LabelValueEscapes_AreUnescaped()
    {
        var result = PrometheusText.Parse(Example, Limit);

        var sample = Assert.Single(result.Find("msdos_file_access_time_seconds"));
        Assert.Equal(@"C:\DIR\FILE.TXT", sample.Label("path"));
        Assert.Equal("Cannot find file:\n\"FILE.TXT\"", sample.Label("error"));
        Assert.Equal(1.458255915e9, sample.Value);
    }

    [Fact]
    public void Parse_HelpEscapes_AreUnescaped()
    {
        var result = PrometheusText.Parse("# HELP x a\\\\b\\nc \\t\nx 1", Limit);

        Assert.True(result.IsSuccess);
        Assert.Equal("a\\b\nc \\t", result.Families[0].Help);
    }

    [Theory]
    [InlineData("NaN", double.NaN)]
    [InlineData("nan", double.NaN)]
    [InlineData("+Inf", double.PositiveInfinity)]
    [InlineData("Inf", double.PositiveInfinity)]
    [InlineData("-Inf", double.NegativeInfinity)]
    [InlineData("-1.5e-3", -0.0015)]
    [InlineData("1E+20", 1e20)]
    [InlineData(".5", 0.5)]
    [InlineData("-0", 0)]
    public void Parse_SpecialAndExponentValues_AreRead(string token, double expected)
    {
        var result = PrometheusText.Parse($"x {token}\n", Limit);

        Assert.True(result.IsSuccess, string.Join("\n", result.Errors));
        Assert.Equal(expected, result.Families[0].Samples[0].Value);
    }

    [Theory]
    [InlineData("x 1 2 3", 1, 7, "unexpected text after the timestamp")]
    [InlineData("x abc", 1, 3, "\"abc\" is not a number")]
    [InlineData("x 0x10", 1, 3, "\"0x10\" is not a number")]
    [InlineData("x 1 1.5", 1, 5, "not a timestamp")]
    [InlineData("x", 1, 2, "expected a value after x")]
    [InlineData("x{a=\"1\"", 1, 8, "expected ',' or '}'")]
    [InlineData("x{a=\"1} 2", 1, 5, "unterminated label value")]
    [InlineData("x{a=\"\\t\"} 2", 1, 6, "invalid escape sequence")]
    [InlineData("x{a=1} 2", 1, 5, "expected '\"'")]
    [InlineData("x{1a=\"1\"} 2", 1, 3, "expected a label name")]
    [InlineData("x{a=\"1\",a=\"2\"} 2", 1, 9, "label \"a\" appears twice")]
    [InlineData("x{a=\"1\" b=\"2\"} 2", 1, 9, "expected ',' or '}'")]
    [InlineData("1x 2", 1, 1, "expected a metric name")]
    [InlineData("# TYPE x countr", 1, 10, "unknown metric type")]
    [InlineData("# TYPE x", 1, 9, "expected a type")]
    [InlineData("# TYPE", 1, 7, "expected a metric name after TYPE")]
    [InlineData("# HELP 9x doc", 1, 8, "expected a metric name after HELP")]
    public void Parse_BadLine_ReportsLineColumnAndMessage(string line, int expectedLine, int expectedColumn, string expectedMessage)
    {
        var result = PrometheusText.Parse(line, Limit);

        var error = Assert.Single(result.Errors);
        Assert.Equal(expectedLine, error.Line);
        Assert.Equal(expectedColumn, error.Column);
        Assert.Contains(expectedMessage, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BadLinesAmongGoodOnes_KeepsTheGoodOnesAndReportsEachBadLine()
    {
        const string text = "a 1\nb oops\r\n\nc{x=\"y\"} 3\n  d{ 4\ne 5\n";

        var result = PrometheusText.Parse(text, Limit);

        Assert.Equal(["a", "c", "e"], result.Families.Select(f => f.Name));
        Assert.Equal([(2, 3), (5, 6)], result.Errors.Select(e => (e.Line, e.Column)));
        Assert.Equal(4, result.Families[1].Samples[0].Line);
    }

    [Fact]
    public void Parse_TypeAfterSamplesOrTwice_IsAnError()
    {
        const string text = "x 1\n# TYPE x gauge\n# TYPE y gauge\n# TYPE y counter\n# HELP y a\n# HELP y b\n";

        var result = PrometheusText.Parse(text, Limit);

        Assert.Equal(
            [(2, "TYPE line for x after its samples"), (4, "second TYPE line for y"), (6, "second HELP line for y")],
            result.Errors.Select(e => (e.Line, e.Message)));
        Assert.Equal(MetricType.Gauge, result.Families.Single(f => f.Name == "y").Type);
    }

    [Fact]
    public void Parse_HelpBeforeType_BothApply()
    {
        var result = PrometheusText.Parse("# HELP h doc\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_count 1\n", Limit);

        var family = Assert.Single(result.Families);
        Assert.Equal(("doc", MetricType.Histogram, 2), (family.Help, family.Type, family.Samples.Length));
    }

    [Fact]
    public void Parse_LabelsWithSpacesAndTrailingComma_AreAccepted()
    {
        var result = PrometheusText.Parse("x{ a = \"1\" , b=\"2\", } 7\nempty{} 8\n", Limit);

        Assert.True(result.IsSuccess, string.Join("\n", result.Errors));
        Assert.Equal(["a", "b"], result.Families[0].Samples[0].Labels.Select(l => l.Name));
        Assert.Empty(result.Families[1].Samples[0].Labels);
    }

    [Fact]
    public void Parse_OverTheLimit_RejectsTheWholeInput()
    {
        var result = PrometheusText.Parse("x 1\ny 2\n", 7);

        Assert.Empty(result.Families);
        var error = Assert.Single(result.Errors);
        Assert.Equal((1, 1), (error.Line, error.Column));
        Assert.Contains("over the limit of 7", error.Message, StringComparison.Ordinal);
        Assert.True(PrometheusText.Parse("x 1\ny 2\n", 8).IsSuccess);
    }

    [Fact]
    public void Parse_EmptyInput_HasNoFamiliesAndNoErrors()
    {
        var result = PrometheusText.Parse("", 0);

        Assert.True(result.IsSuccess);
        Assert.Empty(result.Families);
    }

    [Fact]
    public void Sum_LabelSubset_AddsMatchingSamplesOnly()
    {
        const string text = """
            req{method="get",code="200"} 5
            req{method="get",code="500"} 2
            req{method="post",code="200"} 1
            req_other{method="get"} 100
            """;
        var result = PrometheusText.Parse(text, Limit);

        Assert.Equal(7, result.Sum("req", new Dictionary<string, string> { ["method"] = "get" }));
        Assert.Equal(6, result.Sum("req", new Dictionary<string, string> { ["code"] = "200" }));
        Assert.Equal(8, result.Sum("req"));
        Assert.Null(result.Sum("req", new Dictionary<string, string> { ["method"] = "put" }));
        Assert.Null(result.Sum("missing"));
        Assert.Equal(8, result.Sum("req", new Dictionary<string, string> { ["absent"] = "" }));
    }

    [Fact]
    public void Find_HistogramCount_ReachesIntoTheFamily()
    {
        var result = PrometheusText.Parse(Example, Limit);

        Assert.Equal(144320, result.Sum("http_request_duration_seconds_count"));
        Assert.Equal(144320, result.Sum("http_request_duration_seconds_bucket", new Dictionary<string, string> { ["le"] = "+Inf" }));
    }

    [Fact]
    public void Render_SpecialValuesAndEscapes_AreWrittenInTheFormat()
    {
        MetricFamily[] families =
        [
            new()
            {
                Name = "x",
                Type = MetricType.Gauge,
                Help = "a\\b\nc",
                Samples =
                [
                    new() { Name = "x", Labels = [new() { Name = "l", Value = "q\"\\\n" }], Value = double.NaN },
                    new() { Name = "x", Labels = [], Value = double.NegativeInfinity, TimestampMs = 5 },
                ],
            },
        ];

        var text = PrometheusText.Render(families);

        Assert.Equal("# HELP x a\\\\b\\nc\n# TYPE x gauge\nx{l=\"q\\\"\\\\\\n\"} NaN\nx -Inf 5\n", text);
    }
}
