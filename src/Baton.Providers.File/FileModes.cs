using System.Diagnostics.CodeAnalysis;

namespace Baton.Providers.File;

/// <summary>Unix permission modes written as octal strings such as <c>"0644"</c>.</summary>
internal static class FileModes
{
    public static bool TryParse(string text, out UnixFileMode mode, [NotNullWhen(false)] out string? error)
    {
        mode = UnixFileMode.None;
        error = null;
        if (text.Length is < 3 or > 4 || !text.All(c => c is >= '0' and <= '7'))
        {
            error = $"mode \"{text}\" is not an octal mode such as \"0644\"";
            return false;
        }

        mode = (UnixFileMode)Convert.ToInt32(text, 8);
        return true;
    }

    public static string Format(UnixFileMode mode) => Convert.ToString((int)mode & 0xFFF, 8).PadLeft(4, '0');

    /// <summary>Gives <paramref name="path"/> the mode <paramref name="mode"/>; nothing on Windows.</summary>
    public static void Set(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            System.IO.File.SetUnixFileMode(path, mode);
        }
    }

    /// <summary>The mode of <paramref name="path"/> as <see cref="Format"/> writes it; null on Windows.</summary>
    public static string? Of(string path) =>
        OperatingSystem.IsWindows() ? null : Format(System.IO.File.GetUnixFileMode(path));
}
