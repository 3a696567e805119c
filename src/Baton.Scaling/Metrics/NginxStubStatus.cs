using System.Globalization;

namespace Baton.Metrics;

/// <summary>
/// The counters of nginx's <c>stub_status</c> page:
/// <code>
/// Active connections: 2
/// server accepts handled requests
///  10 10 25
/// Reading: 0 Writing: 1 Waiting: 1
/// </code>
/// </summary>
public sealed record NginxStubStatus
{
    /// <summary>Open client connections, <c>Waiting</c> ones included.</summary>
    public required long Active { get; init; }

    /// <summary>Client connections accepted since start (a counter).</summary>
    public required long Accepts { get; init; }

    /// <summary>Client connections handled since start (a counter; below <see cref="Accepts"/> only at a resource limit).</summary>
    public required long Handled { get; init; }

    /// <summary>Client requests since start (a counter).</summary>
    public required long Requests { get; init; }

    /// <summary>Connections whose request header nginx is reading.</summary>
    public required long Reading { get; init; }

    /// <summary>Connections nginx is writing a response to.</summary>
    public required long Writing { get; init; }

    /// <summary>Idle keep-alive connections.</summary>
    public required long Waiting { get; init; }

    /// <summary>Reads a <c>stub_status</c> page. Whitespace between tokens, line ends included, is not significant.</summary>
    public static TextParseResult<NginxStubStatus> Parse(string text)
    {
        var tokens = text.Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var position = 0;
        string? error = null;

        bool Expect(string word)
        {
            if (error is not null)
            {
                return false;
            }

            if (position < tokens.Length && tokens[position] == word)
            {
                position++;
                return true;
            }

            error = position < tokens.Length
                ? $"expected \"{word}\" but found \"{tokens[position]}\" (word {position + 1} of the stub_status text)"
                : $"expected \"{word}\" but the stub_status text ends";
            return false;
        }

        long Number(string what)
        {
            if (error is not null)
            {
                return 0;
            }

            if (position >= tokens.Length)
            {
                error = $"expected the {what} count but the stub_status text ends";
                return 0;
            }

            var token = tokens[position];
            if (!long.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                error = $"the {what} count \"{token}\" is not a non-negative integer";
                return 0;
            }

            position++;
            return value;
        }

        Expect("Active");
        Expect("connections:");
        var active = Number("active connections");
        Expect("server");
        Expect("accepts");
        Expect("handled");
        Expect("requests");
        var accepts = Number("accepts");
        var handled = Number("handled");
        var requests = Number("requests");
        Expect("Reading:");
        var reading = Number("reading");
        Expect("Writing:");
        var writing = Number("writing");
        Expect("Waiting:");
        var waiting = Number("waiting");
        if (error is null && position < tokens.Length)
        {
            error = $"unexpected \"{tokens[position]}\" after the Waiting count";
        }

        if (error is not null)
        {
            return new TextParseResult<NginxStubStatus> { Error = error };
        }

        return new TextParseResult<NginxStubStatus>
        {
            Value = new NginxStubStatus
            {
                Active = active,
                Accepts = accepts,
                Handled = handled,
                Requests = requests,
                Reading = reading,
                Writing = writing,
                Waiting = waiting,
            },
        };
    }
}
