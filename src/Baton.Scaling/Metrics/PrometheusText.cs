using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace Baton.Metrics;

/// <summary>
/// The Prometheus text exposition format 0.0.4: reading what an exporter serves, and writing it back.
/// Bad lines become <see cref="MetricsParseError"/>s with a line and column and are skipped; the rest is still read.
/// </summary>
public static class PrometheusText
{
    /// <summary>
    /// Reads <paramref name="text"/>. Input longer than <paramref name="maxLength"/> characters is rejected whole,
    /// with one error, before any of it is read: a scrape target must not be able to make the reader do unbounded work.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is negative.</exception>
    public static PrometheusParseResult Parse(string text, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        if (text.Length > maxLength)
        {
            return new PrometheusParseResult
            {
                Families = [],
                Errors =
                [
                    new MetricsParseError
                    {
                        Line = 1,
                        Column = 1,
                        Message = $"the input is {text.Length} characters long, over the limit of {maxLength}",
                    },
                ],
            };
        }

        var families = new FamilyCollector();
        var errors = ImmutableArray.CreateBuilder<MetricsParseError>();
        var lineNumber = 0;
        var start = 0;
        while (true)
        {
            var end = text.IndexOf('\n', start);
            if (end < 0)
            {
                end = text.Length;
            }

            lineNumber++;
            var length = end - start;
            if (length > 0 && text[end - 1] == '\r')
            {
                length--;
            }

            var line = new LineCursor(text.Substring(start, length), lineNumber);
            if (!ReadLine(line, families))
            {
                errors.Add(line.Error!);
            }

            if (end >= text.Length)
            {
                break;
            }

            start = end + 1;
        }

        return new PrometheusParseResult { Families = families.Build(), Errors = errors.ToImmutable() };
    }

    /// <summary>
    /// Writes <paramref name="families"/> in the text format: a <c># HELP</c> line when there is help, always a
    /// <c># TYPE</c> line, then the samples, each line ending in <c>\n</c>.
    /// </summary>
    public static string Render(IEnumerable<MetricFamily> families)
    {
        var output = new StringBuilder();
        foreach (var family in families)
        {
            if (family.Help is not null)
            {
                output.Append("# HELP ").Append(family.Name).Append(' ').Append(EscapeHelp(family.Help)).Append('\n');
            }

            output.Append("# TYPE ").Append(family.Name).Append(' ').Append(TypeName(family.Type)).Append('\n');
            foreach (var sample in family.Samples)
            {
                output.Append(sample.Name);
                if (!sample.Labels.IsEmpty)
                {
                    output.Append('{');
                    for (var i = 0; i < sample.Labels.Length; i++)
                    {
                        if (i > 0)
                        {
                            output.Append(',');
                        }

                        output.Append(sample.Labels[i].Name).Append("=\"").Append(EscapeLabelValue(sample.Labels[i].Value)).Append('"');
                    }

                    output.Append('}');
                }

                output.Append(' ').Append(FormatValue(sample.Value));
                if (sample.TimestampMs is { } timestamp)
                {
                    output.Append(' ').Append(timestamp.ToString(CultureInfo.InvariantCulture));
                }

                output.Append('\n');
            }
        }

        return output.ToString();
    }

    /// <summary>A value as the format writes it: <c>NaN</c>, <c>+Inf</c>, <c>-Inf</c>, or the shortest round-tripping number.</summary>
    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// Reads a sample value: a decimal number with an optional sign and exponent, or <c>NaN</c>, <c>Inf</c>,
    /// <c>+Inf</c>, <c>-Inf</c> in any letter case.
    /// </summary>
    public static bool TryParseValue(string token, out double value)
    {
        switch (token.ToUpperInvariant())
        {
            case "NAN":
                value = double.NaN;
                return true;
            case "INF" or "+INF" or "INFINITY" or "+INFINITY":
                value = double.PositiveInfinity;
                return true;
            case "-INF" or "-INFINITY":
                value = double.NegativeInfinity;
                return true;
        }

        foreach (var c in token)
        {
            if (!(char.IsAsciiDigit(c) || c is '+' or '-' or '.' or 'e' or 'E'))
            {
                value = 0;
                return false;
            }
        }

        return double.TryParse(token, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Escapes a label value: backslash, double quote and line feed.</summary>
    public static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>Escapes a docstring: backslash and line feed.</summary>
    public static string EscapeHelp(string help) =>
        help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>Whether <paramref name="name"/> is a valid metric name: <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>.</summary>
    public static bool IsMetricName(string name) =>
        name.Length > 0 && IsMetricNameStart(name[0]) && name.All(IsMetricNameChar);

    /// <summary>Whether <paramref name="name"/> is a valid label name: <c>[a-zA-Z_][a-zA-Z0-9_]*</c>.</summary>
    public static bool IsLabelName(string name) =>
        name.Length > 0 && IsLabelNameStart(name[0]) && name.All(IsLabelNameChar);

    private static string TypeName(MetricType type) => type switch
    {
        MetricType.Counter => "counter",
        MetricType.Gauge => "gauge",
        MetricType.Histogram => "histogram",
        MetricType.Summary => "summary",
        _ => "untyped",
    };

    private static MetricType? ParseType(string word) => word switch
    {
        "counter" => MetricType.Counter,
        "gauge" => MetricType.Gauge,
        "histogram" => MetricType.Histogram,
        "summary" => MetricType.Summary,
        "untyped" => MetricType.Untyped,
        _ => null,
    };

    private static bool IsMetricNameStart(char c) => char.IsAsciiLetter(c) || c is '_' or ':';

    private static bool IsMetricNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or ':';

    private static bool IsLabelNameStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsLabelNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static bool ReadLine(LineCursor line, FamilyCollector families)
    {
        line.SkipBlanks();
        if (line.AtEnd)
        {
            return true;
        }

        return line.Current == '#' ? ReadComment(line, families) : ReadSample(line, families);
    }

    private static bool ReadComment(LineCursor line, FamilyCollector families)
    {
        line.Advance();
        line.SkipBlanks();
        var keyword = line.ReadWord();
        if (keyword is not ("HELP" or "TYPE"))
        {
            return true;
        }

        if (!line.SkipBlanks())
        {
            return line.Fail($"expected a metric name after {keyword}");
        }

        var nameColumn = line.Column;
        var name = line.ReadWhile(IsMetricNameChar);
        if (name.Length == 0 || !IsMetricNameStart(name[0]))
        {
            return line.Fail($"expected a metric name after {keyword}", nameColumn);
        }

        if (!line.AtEnd && !line.IsBlank)
        {
            return line.Fail($"unexpected character '{line.Current}' in the metric name");
        }

        line.SkipBlanks();
        if (keyword == "HELP")
        {
            var help = UnescapeHelp(line.Rest());
            var helpError = families.SetHelp(name, help);
            return helpError is null || line.Fail(helpError, nameColumn);
        }

        var typeColumn = line.Column;
        var typeWord = line.ReadWord();
        if (ParseType(typeWord) is not { } type)
        {
            return line.Fail(
                typeWord.Length == 0
                    ? $"expected a type after the metric name {name}"
                    : $"unknown metric type \"{typeWord}\"; expected counter, gauge, histogram, summary or untyped",
                typeColumn);
        }

        line.SkipBlanks();
        if (!line.AtEnd)
        {
            return line.Fail("unexpected text after the metric type");
        }

        var typeError = families.SetType(name, type);
        return typeError is null || line.Fail(typeError, nameColumn);
    }

    private static bool ReadSample(LineCursor line, FamilyCollector families)
    {
        if (!IsMetricNameStart(line.Current))
        {
            return line.Fail($"unexpected character '{line.Current}'; expected a metric name or '#'");
        }

        var name = line.ReadWhile(IsMetricNameChar);
        var labels = ImmutableArray<MetricLabel>.Empty;
        if (!line.AtEnd && line.Current == '{')
        {
            if (ReadLabels(line) is not { } read)
            {
                return false;
            }

            labels = read;
        }

        if (line.AtEnd)
        {
            return line.Fail($"expected a value after {name}");
        }

        if (!line.IsBlank)
        {
            return line.Fail($"unexpected character '{line.Current}' after {name}");
        }

        line.SkipBlanks();
        var valueColumn = line.Column;
        var valueToken = line.ReadWord();
        if (valueToken.Length == 0)
        {
            return line.Fail($"expected a value after {name}");
        }

        if (!TryParseValue(valueToken, out var value))
        {
            return line.Fail($"\"{valueToken}\" is not a number, NaN, +Inf or -Inf", valueColumn);
        }

        long? timestamp = null;
        line.SkipBlanks();
        if (!line.AtEnd)
        {
            var timestampColumn = line.Column;
            var timestampToken = line.ReadWord();
            if (!long.TryParse(timestampToken, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms))
            {
                return line.Fail($"\"{timestampToken}\" is not a timestamp in integer milliseconds", timestampColumn);
            }

            timestamp = ms;
            line.SkipBlanks();
            if (!line.AtEnd)
            {
                return line.Fail("unexpected text after the timestamp");
            }
        }

        families.AddSample(new MetricSample { Name = name, Labels = labels, Value = value, TimestampMs = timestamp, Line = line.Number });
        return true;
    }

    private static ImmutableArray<MetricLabel>? ReadLabels(LineCursor line)
    {
        line.Advance();
        var labels = ImmutableArray.CreateBuilder<MetricLabel>();
        while (true)
        {
            line.SkipBlanks();
            if (line.AtEnd)
            {
                line.Fail("expected a label name or '}'");
                return null;
            }

            if (line.Current == '}')
            {
                line.Advance();
                return labels.ToImmutable();
            }

            var nameColumn = line.Column;
            if (!IsLabelNameStart(line.Current))
            {
                line.Fail($"unexpected character '{line.Current}'; expected a label name or '}}'");
                return null;
            }

            var name = line.ReadWhile(IsLabelNameChar);
            if (labels.Any(l => l.Name == name))
            {
                line.Fail($"label \"{name}\" appears twice", nameColumn);
                return null;
            }

            line.SkipBlanks();
            if (line.AtEnd || line.Current != '=')
            {
                line.Fail($"expected '=' after the label name {name}");
                return null;
            }

            line.Advance();
            line.SkipBlanks();
            if (line.AtEnd || line.Current != '"')
            {
                line.Fail($"expected '\"' to open the value of label {name}");
                return null;
            }

            if (ReadQuoted(line) is not { } value)
            {
                return null;
            }

            labels.Add(new MetricLabel { Name = name, Value = value });
            line.SkipBlanks();
            if (line.AtEnd)
            {
                line.Fail("expected ',' or '}' after a label");
                return null;
            }

            if (line.Current == ',')
            {
                line.Advance();
            }
            else if (line.Current != '}')
            {
                line.Fail($"unexpected character '{line.Current}'; expected ',' or '}}' after a label");
                return null;
            }
        }
    }

    private static string? ReadQuoted(LineCursor line)
    {
        var openColumn = line.Column;
        line.Advance();
        var value = new StringBuilder();
        while (!line.AtEnd)
        {
            var c = line.Current;
            if (c == '"')
            {
                line.Advance();
                return value.ToString();
            }

            if (c == '\\')
            {
                var escapeColumn = line.Column;
                line.Advance();
                if (line.AtEnd)
                {
                    break;
                }

                switch (line.Current)
                {
                    case '\\':
                        value.Append('\\');
                        break;
                    case '"':
                        value.Append('"');
                        break;
                    case 'n':
                        value.Append('\n');
                        break;
                    default:
                        line.Fail($"invalid escape sequence '\\{line.Current}' in a label value; only \\\\, \\\" and \\n are allowed", escapeColumn);
                        return null;
                }

                line.Advance();
                continue;
            }

            value.Append(c);
            line.Advance();
        }

        line.Fail("unterminated label value", openColumn);
        return null;
    }

    private static string UnescapeHelp(string raw)
    {
        if (!raw.Contains('\\', StringComparison.Ordinal))
        {
            return raw;
        }

        var help = new StringBuilder(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '\\' && i + 1 < raw.Length && raw[i + 1] is '\\' or 'n')
            {
                help.Append(raw[i + 1] == 'n' ? '\n' : '\\');
                i++;
            }
            else
            {
                help.Append(raw[i]);
            }
        }

        return help.ToString();
    }

    private sealed class LineCursor(string text, int number)
    {
        private readonly string _text = text;
        private int _position;

        public int Number { get; } = number;

        public MetricsParseError? Error { get; private set; }

        public bool AtEnd => _position >= _text.Length;

        public char Current => _text[_position];

        public bool IsBlank => !AtEnd && Current is ' ' or '\t';

        public int Column => _position + 1;

        public void Advance() => _position++;

        /// <summary>Skips spaces and tabs; returns whether there were any.</summary>
        public bool SkipBlanks()
        {
            var start = _position;
            while (IsBlank)
            {
                _position++;
            }

            return _position > start;
        }

        public string ReadWhile(Func<char, bool> accept)
        {
            var start = _position;
            while (!AtEnd && accept(Current))
            {
                _position++;
            }

            return _text[start.._position];
        }

        public string ReadWord() => ReadWhile(c => c is not (' ' or '\t'));

        public string Rest()
        {
            var rest = _text[_position..];
            _position = _text.Length;
            return rest;
        }

        public bool Fail(string message, int? column = null)
        {
            Error = new MetricsParseError { Line = Number, Column = column ?? Column, Message = message };
            return false;
        }
    }

    private sealed class FamilyCollector
    {
        private readonly List<FamilyBuilder> _order = [];
        private readonly Dictionary<string, FamilyBuilder> _byName = new(StringComparer.Ordinal);
        private readonly Dictionary<string, FamilyBuilder> _bySampleName = new(StringComparer.Ordinal);

        public string? SetHelp(string name, string help)
        {
            var family = GetOrCreate(name);
            if (family.Help is not null)
            {
                return $"second HELP line for {name}";
            }

            family.Help = help;
            return null;
        }

        public string? SetType(string name, MetricType type)
        {
            var family = GetOrCreate(name);
            if (family.TypeDeclared)
            {
                return $"second TYPE line for {name}";
            }

            if (family.Samples.Count > 0)
            {
                return $"TYPE line for {name} after its samples";
            }

            string[] suffixes = type switch
            {
                MetricType.Histogram => ["_bucket", "_sum", "_count"],
                MetricType.Summary => ["_sum", "_count"],
                _ => [],
            };
            foreach (var suffix in suffixes)
            {
                if (_bySampleName.TryGetValue(name + suffix, out var other) && other != family)
                {
                    return $"{name + suffix} already belongs to the metric family {other.Name}";
                }
            }

            family.Type = type;
            family.TypeDeclared = true;
            foreach (var suffix in suffixes)
            {
                _bySampleName[name + suffix] = family;
            }

            return null;
        }

        public void AddSample(MetricSample sample)
        {
            if (!_bySampleName.TryGetValue(sample.Name, out var family))
            {
                family = GetOrCreate(sample.Name);
            }

            family.Samples.Add(sample);
        }

        public ImmutableArray<MetricFamily> Build() =>
        [
            .. _order.Select(f => new MetricFamily { Name = f.Name, Type = f.Type, Help = f.Help, Samples = [.. f.Samples] }),
        ];

        private FamilyBuilder GetOrCreate(string name)
        {
            if (!_byName.TryGetValue(name, out var family))
            {
                family = new FamilyBuilder(name);
                _byName.Add(name, family);
                _order.Add(family);
                _bySampleName.TryAdd(name, family);
            }

            return family;
        }
    }

    private sealed class FamilyBuilder(string name)
    {
        public string Name { get; } = name;

        public MetricType Type { get; set; }

        public bool TypeDeclared { get; set; }

        public string? Help { get; set; }

        public List<MetricSample> Samples { get; } = [];
    }
}
