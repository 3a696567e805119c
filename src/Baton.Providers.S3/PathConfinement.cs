using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Baton.Providers.S3;

/// <summary>
/// Resolves paths the way the operating system will — every existing component's symlink followed, <c>..</c> taken
/// after that — and admits only those that land inside one of the roots. Paths are relative to a base directory.
/// The same rules as the file provider's; a copy, because a provider references only the SDK.
/// </summary>
internal sealed class PathConfinement
{
    private const int MaxLinks = 40;

    public PathConfinement(string baseDirectory, ImmutableArray<string> roots)
    {
        BaseDirectory = baseDirectory;
        Roots = roots;
    }

    public string BaseDirectory { get; }

    /// <summary>The roots, canonical.</summary>
    public ImmutableArray<string> Roots { get; }

    /// <summary>Resolves <paramref name="path"/>; false with a one-line reason when it escapes the roots or cannot be resolved.</summary>
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

        foreach (var root in Roots)
        {
            if (IsInside(canonical, root))
            {
                resolved = canonical;
                return true;
            }
        }

        error = Roots.Length == 1
            ? $"\"{path}\" resolves to \"{canonical}\", outside the root \"{Roots[0]}\""
            : $"\"{path}\" resolves to \"{canonical}\", outside the roots {string.Join(", ", Roots.Select(r => $"\"{r}\""))}";
        return false;
    }

    /// <summary>The absolute path with symlinks of existing components resolved and <c>.</c>/<c>..</c> applied physically.</summary>
    public static bool TryCanonicalize(string absolutePath, [NotNullWhen(true)] out string? canonical, [NotNullWhen(false)] out string? error)
    {
        canonical = null;
        error = null;
        var pending = new Stack<string>(Split(absolutePath).Reverse());
        var current = Path.GetPathRoot(absolutePath) is { Length: > 0 } root ? root : "/";
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
            catch (IOException exception)
            {
                error = $"cannot resolve \"{next}\": {exception.Message}";
                return false;
            }
            catch (UnauthorizedAccessException exception)
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

    public static bool IsInside(string path, string root) =>
        string.Equals(path, root, StringComparison.Ordinal)
        || (path.StartsWith(root, StringComparison.Ordinal)
            && (root.EndsWith(Path.DirectorySeparatorChar) || path[root.Length] == Path.DirectorySeparatorChar));

    private static string[] Split(string path) =>
        path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.EndsWith(':')).ToArray();
}
