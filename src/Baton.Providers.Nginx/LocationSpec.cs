using System.Globalization;
using System.Text;
using Baton.Values;

namespace Baton.Providers.Nginx;

/// <summary>
/// One entry of a site's <c>locations</c>: a path prefix and what answers under it — the site's upstream
/// (<c>proxy: true</c>), a fixed answer (<c>return: "CODE [text]"</c>) or a static directory (<c>root</c> or
/// <c>alias</c>, inside the stack directory) — plus response headers. Every value is checked against a small
/// character set before it is written, and written as a quoted nginx string, so no input can add a directive.
/// </summary>
internal sealed record LocationSpec
{
    public const int MaxTextLength = 1024;

    public required string Path { get; init; }

    public bool Proxy { get; init; }

    public int? ReturnCode { get; init; }

    public string? ReturnText { get; init; }

    /// <summary>The <c>root</c> directory, absolute, when given.</summary>
    public string? Root { get; init; }

    /// <summary>The <c>alias</c> directory, absolute, when given.</summary>
    public string? Alias { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>The default: <c>/</c> proxied to the upstream.</summary>
    public static LocationSpec DefaultRoot { get; } = new() { Path = "/", Proxy = true };

    /// <summary>
    /// Reads <c>locations</c>; problems go to <paramref name="errors"/>, each naming its location. Null when some value
    /// is not known yet. Directories are resolved against <paramref name="stackDirectory"/> and must stay inside it.
    /// </summary>
    public static List<LocationSpec>? ReadAll(Value locations, string stackDirectory, List<string> errors)
    {
        if (locations.Kind != ValueKind.Map)
        {
            errors.Add($"locations must be a map of path to {{ proxy | return | root | alias, headers }}, got {locations}");
            return [];
        }

        var result = new List<LocationSpec>();
        var complete = true;
        foreach (var (path, value) in locations.AsMap())
        {
            var name = $"locations[\"{Printable(path)}\"]";
            if (!IsPath(path))
            {
                errors.Add($"{name}: a location must be a path starting with \"/\" made of letters, digits and . _ ~ % + , = : @ / - (no spaces, quotes, semicolons or braces)");
                continue;
            }

            if (!value.IsWhollyKnown)
            {
                complete = false;
                continue;
            }

            if (Read(name, path, value, stackDirectory, errors) is { } location)
            {
                result.Add(location);
            }
        }

        return complete ? result : null;
    }

    /// <summary>Writes the location block.</summary>
    public void Render(StringBuilder builder, string upstreamName)
    {
        // The path's characters are all plain nginx token characters (checked in IsPath): unquoted, the default "/"
        // renders exactly as before locations existed, so upgrading shows no drift.
        builder.Append("    location ").Append(Path).Append(" {\n");
        foreach (var (header, text) in Headers)
        {
            builder.Append("        add_header ").Append(header).Append(' ').Append(SiteSpec.Quote(text)).Append(" always;\n");
        }

        if (ReturnCode is { } code)
        {
            builder.Append("        return ").Append(code.ToString(CultureInfo.InvariantCulture));
            if (ReturnText is { } text)
            {
                builder.Append(' ').Append(SiteSpec.Quote(text));
            }

            builder.Append(";\n");
        }
        else if (Root is not null || Alias is not null)
        {
            // Alias ends with / (its location does too), so /static/../x cannot climb out; no symlink below the
            // directory is followed, so it cannot point outside either.
            builder.Append(Root is not null ? "        root " : "        alias ").Append(SiteSpec.Quote(Root ?? Alias + "/")).Append(";\n");
            builder.Append("        disable_symlinks on from=$document_root;\n");
        }
        else
        {
            builder.Append("        proxy_pass http://").Append(upstreamName).Append(";\n");
            builder.Append("        proxy_http_version 1.1;\n");
            builder.Append("        proxy_set_header Connection \"\";\n");
            builder.Append("        proxy_set_header Host $host;\n");
            builder.Append("        proxy_set_header X-Real-IP $remote_addr;\n");
            builder.Append("        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n");
            builder.Append("        proxy_set_header X-Forwarded-Proto $scheme;\n");
        }

        builder.Append("    }\n");
    }

    private static LocationSpec? Read(string name, string path, Value value, string stackDirectory, List<string> errors)
    {
        if (value.Kind != ValueKind.Map)
        {
            errors.Add($"{name}: must be a map such as {{ proxy: true }}, {{ return: \"200 ok\" }}, {{ root: \"public\" }} or {{ alias: \"public\" }}, got {value}");
            return null;
        }

        var location = new LocationSpec { Path = path };
        var kinds = 0;
        var ok = true;
        void Fail(string message)
        {
            errors.Add($"{name}: {message}");
            ok = false;
        }

        foreach (var (key, item) in value.AsMap())
        {
            if (item.Kind == ValueKind.Null)
            {
                continue;
            }

            switch (key)
            {
                case "proxy" when item.Kind == ValueKind.Bool && item.AsBool():
                    location = location with { Proxy = true };
                    kinds++;
                    break;
                case "proxy":
                    Fail($"proxy must be true (leave the location out to not proxy it), got {item}");
                    break;
                case "return":
                    kinds++;
                    if (ParseReturn(item, out var code, out var text) is { } returnError)
                    {
                        Fail(returnError);
                    }
                    else
                    {
                        location = location with { ReturnCode = code, ReturnText = text };
                    }

                    break;
                case "root" or "alias":
                    kinds++;
                    if (ResolveDirectory(key, item, stackDirectory, out var full) is { } directoryError)
                    {
                        Fail(directoryError);
                    }
                    else if (key == "alias" && !path.EndsWith('/'))
                    {
                        Fail($"an alias location must end with \"/\" (such as \"{path}/\"), so a request cannot climb out of the directory");
                    }
                    else
                    {
                        location = key == "root" ? location with { Root = full } : location with { Alias = full };
                    }

                    break;
                case "headers":
                    location = location with { Headers = ReadHeaders(item, Fail) };
                    break;
                default:
                    Fail($"unknown setting \"{Printable(key)}\"; a location has proxy, return, root, alias and headers");
                    break;
            }
        }

        if (kinds != 1)
        {
            Fail("needs exactly one of proxy: true, return, root or alias");
        }

        return ok ? location : null;
    }

    private static string? ParseReturn(Value item, out int code, out string? text)
    {
        code = 0;
        text = null;
        if (item.Kind == ValueKind.Number && item.IsInteger)
        {
            code = (int)item.AsNumber();
        }
        else if (item.Kind == ValueKind.String)
        {
            var raw = item.AsString();
            var space = raw.IndexOf(' ', StringComparison.Ordinal);
            var head = space < 0 ? raw : raw[..space];
            if (head.Length != 3 || !int.TryParse(head, NumberStyles.None, CultureInfo.InvariantCulture, out code))
            {
                return $"return must be \"CODE\" or \"CODE text\" such as \"200 ok\", got {item}";
            }

            text = space < 0 ? null : raw[(space + 1)..];
        }
        else
        {
            return $"return must be \"CODE\" or \"CODE text\" such as \"200 ok\", got {item}";
        }

        if (code is < 200 or > 599)
        {
            return $"return's status must be from 200 to 599, got {code.ToString(CultureInfo.InvariantCulture)}";
        }

        if (text is not null && TextProblem(text) is { } problem)
        {
            return $"return's text {problem}";
        }

        return null;
    }

    private static string? ResolveDirectory(string key, Value item, string stackDirectory, out string full)
    {
        full = "";
        if (item.Kind != ValueKind.String || item.AsString().Length == 0)
        {
            return $"{key} must be a directory relative to the stack directory, got {item}";
        }

        var raw = item.AsString();
        if (TextProblem(raw) is { } problem)
        {
            return $"{key} {problem}";
        }

        if (System.IO.Path.IsPathRooted(raw))
        {
            return $"{key} must be relative to the stack directory, got \"{raw}\"";
        }

        var root = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(stackDirectory));
        full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(System.IO.Path.Combine(root, raw)));
        if (full != root && !full.StartsWith(root + "/", StringComparison.Ordinal))
        {
            return $"{key} \"{raw}\" leaves the stack directory";
        }

        return null;
    }

    private static List<KeyValuePair<string, string>> ReadHeaders(Value item, Action<string> fail)
    {
        var headers = new List<KeyValuePair<string, string>>();
        if (item.Kind != ValueKind.Map)
        {
            fail($"headers must be a map of header name to value, got {item}");
            return headers;
        }

        foreach (var (header, text) in item.AsMap())
        {
            if (header.Length is 0 or > 64 || !header.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                fail($"header name \"{Printable(header)}\" must be letters, digits and - (at most 64)");
            }
            else if (text.Kind != ValueKind.String)
            {
                fail($"headers.{header} must be a string, got {text}");
            }
            else if (TextProblem(text.AsString()) is { } problem)
            {
                fail($"headers.{header} {problem}");
            }
            else
            {
                headers.Add(new(header, text.AsString()));
            }
        }

        return headers;
    }

    /// <summary>Why <paramref name="text"/> cannot be written into the config, or null.</summary>
    private static string? TextProblem(string text)
    {
        if (text.Length > MaxTextLength)
        {
            return $"must be at most {MaxTextLength} characters";
        }

        if (text.Any(char.IsControl))
        {
            return "must not hold control characters (newlines, tabs, NUL)";
        }

        // nginx expands variables in these strings and has no escape for $.
        return text.Contains('$', StringComparison.Ordinal) ? "must not hold \"$\" (nginx would read a variable)" : null;
    }

    private static bool IsPath(string path) =>
        path.Length is > 0 and <= 256 && path[0] == '/'
        && path.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '~' or '%' or '+' or ',' or '=' or ':' or '@' or '/' or '-');

    private static string Printable(string text) =>
        string.Concat(text.Take(80).Select(c => char.IsControl(c) ? "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture) : c.ToString()));
}
