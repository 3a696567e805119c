using System.Diagnostics.CodeAnalysis;

namespace Baton.Providers.Postgres;

/// <summary>
/// The directory dumps are written to and restored from (setting <c>dump_root</c>). A path is resolved the way the
/// operating system will — every existing component's symlink followed, <c>..</c> taken after that — and admitted only
/// when it lands inside the root. The rules are the file provider's; providers reference only the SDK, so they are
/// restated here rather than shared.
/// </summary>
internal sealed class DumpRoot(string baseDirectory, string root)
{
    private const int MaxLinks = 40;

    /// <summary>Where relative paths start: the stack directory, canonical.</summary>
    public string BaseDirectory { get; } = baseDirectory;

    /// <summary>The root, canonical.</summary>
    public string Root { get; } = root;

    /// <summary>Resolves <paramref name="path"/> to a file inside the root; false with a one-line reason otherwise.</summary>
    public bool TryResolve(string path, [NotNullWhen(true)] out string? resolved, [NotNullWhen(false)] out string? error)
    {
        resolved = null;
        if (string.IsNullOrWhiteSpace(path))
        {
            error = "the path is empty";
            return false;
        }

        if (path.Contains('\0', StringComparison.Ordinal))
        {
            error = "the path contains a NUL character";
            return false;
        }

        if (!TryCanonicalize(Path.IsPathRooted(path) ? path : Path.Combine(BaseDirectory, path), out var canonical, out error))
        {
            return false;
        }

        if (string.Equals(canonical, Root, StringComparison.Ordinal))
        {
            error = $"\"{path}\" is the dump_root directory itself, not a file in it";
            return false;
        }

        if (!IsInside(canonical, Root))
        {
            error = $"\"{path}\" resolves to \"{canonical}\", outside the provider's dump_root \"{Root}\"";
            return false;
        }

        resolved = canonical;
        return true;
    }

    /// <summary>The absolute path with symlinks of existing components resolved and <c>.</c>/<c>..</c> applied physically.</summary>
    public static bool TryCanonicalize(string absolutePath, [NotNullWhen(true)] out string? canonical, [NotNullWhen(false)] out string? error)
    {
        canonical = null;
        error = null;
        var pending = new Stack<string>(Split(absolutePath).Reverse());
        var current = Path.GetPathRoot(absolutePath) is { Length: > 0 } pathRoot ? pathRoot : "/";
        var links = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }

            var next = Path.Join(current, part);
            string? target;
            try
            {
                target = new FileInfo(next).LinkTarget;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                error = $"cannot resolve \"{next}\": {exception.Message}";
                return false;
            }

            if (target is null)
            {
                current = next;
                continue;
            }

            if (++links > MaxLinks)
            {
                error = $"too many symbolic links resolving \"{absolutePath}\"";
                return false;
            }

            if (Path.IsPathRooted(target))
            {
                current = Path.GetPathRoot(target) is { Length: > 0 } targetRoot ? targetRoot : "/";
            }

            foreach (var targetPart in Split(target).Reverse())
            {
                pending.Push(targetPart);
            }
        }

        canonical = current;
        return true;
    }

    private static bool IsInside(string path, string root) =>
        path.StartsWith(root, StringComparison.Ordinal)
        && (root.EndsWith(Path.DirectorySeparatorChar) || (path.Length > root.Length && path[root.Length] == Path.DirectorySeparatorChar));

    private static string[] Split(string path) =>
        path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
}
