using System.Globalization;
using System.Text;

namespace Baton.Drawing.Layout;

/// <summary>Escaping, numbers and names shared by the SVG writers, so that no caller text can break the markup.</summary>
internal static class SvgMarkup
{
    public const string Ellipsis = "…";

    /// <summary>
    /// Appends <paramref name="value"/> escaped for XML text and attribute values. Line breaks and tabs become
    /// spaces (a label is one line); characters XML 1.0 forbids, lone surrogates included, become U+FFFD.
    /// </summary>
    public static StringBuilder AppendEscaped(this StringBuilder text, string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var ch = value[i];
            switch (ch)
            {
                case '&':
                    text.Append("&amp;");
                    break;
                case '<':
                    text.Append("&lt;");
                    break;
                case '>':
                    text.Append("&gt;");
                    break;
                case '"':
                    text.Append("&quot;");
                    break;
                case '\'':
                    text.Append("&#39;");
                    break;
                case '\t' or '\n' or '\r':
                    text.Append(' ');
                    break;
                default:
                    if (char.IsHighSurrogate(ch) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                    {
                        text.Append(ch).Append(value[++i]);
                    }
                    else if (ch < ' ' || char.IsSurrogate(ch) || ch == '\uFFFE' || ch == '\uFFFF')
                    {
                        text.Append('\uFFFD');
                    }
                    else
                    {
                        text.Append(ch);
                    }

                    break;
            }
        }

        return text;
    }

    /// <summary>Appends a coordinate with at most two decimals, invariant, never <c>-0</c>.</summary>
    public static StringBuilder AppendNumber(this StringBuilder text, double value)
    {
        var rounded = Math.Round(value, 2, MidpointRounding.AwayFromZero);
        return text.Append((rounded == 0 ? 0 : rounded).ToString("0.##", CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// A CSS class name made of lower-case ASCII letters, digits, <c>-</c> and <c>_</c>: anything else becomes
    /// <c>-</c>. <see langword="null"/> when nothing is left.
    /// </summary>
    public static string? ClassName(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var name = new StringBuilder(value.Length);
        foreach (var ch in value.Trim())
        {
            var lower = char.ToLowerInvariant(ch);
            name.Append(char.IsAsciiLetterOrDigit(lower) || lower is '-' or '_' ? lower : '-');
        }

        return name.ToString();
    }

    /// <summary>Whether <paramref name="prefix"/> can start an HTML id and a CSS selector unescaped.</summary>
    public static bool IsIdPrefix(string prefix)
    {
        if (prefix.Length == 0 || !char.IsAsciiLetter(prefix[0]))
        {
            return false;
        }

        foreach (var ch in prefix)
        {
            if (!char.IsAsciiLetterOrDigit(ch) && ch is not '-' and not '_')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Shortens <paramref name="value"/> to at most <paramref name="maxLength"/> user-perceived characters, the
    /// last of them an ellipsis, never splitting a surrogate pair or a combining sequence.
    /// </summary>
    public static string Truncate(string value, int maxLength, out bool truncated)
    {
        var info = new StringInfo(value);
        truncated = info.LengthInTextElements > maxLength;
        if (!truncated)
        {
            return value;
        }

        var keep = Math.Max(0, maxLength - 1);
        return info.SubstringByTextElements(0, keep).TrimEnd() + Ellipsis;
    }
}
