using System.Diagnostics.CodeAnalysis;

namespace Baton.Providers.Host;

/// <summary>Unix permission modes written as octal strings, always given back with four digits (<c>"0644"</c>).</summary>
internal static class FileModes
{
    /// <summary>The four-digit form of <paramref name="text"/> (3 or 4 octal digits); false for anything else.</summary>
    public static bool TryNormalize(string text, [NotNullWhen(true)] out string? normalized)
    {
        normalized = null;
        if (text.Length is < 3 or > 4 || !text.All(c => c is >= '0' and <= '7'))
        {
            return false;
        }

        normalized = text.PadLeft(4, '0');
        return true;
    }

    /// <summary>The four-digit form of what <c>stat -c %a</c> prints (<c>644</c>, <c>4755</c>).</summary>
    public static string FromStat(string octal) => octal.PadLeft(4, '0');
}
