using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Baton.Runtime;

/// <summary>
/// Resolves paths the way the operating system will — every existing component's symlink followed, <c>..</c> taken
/// after that — and admits only those that land inside one of the roots. Paths are relative to a base directory.
/// Every provider that reads or writes local files confines them with this one rule.
/// </summary>
public sealed class PathConfinement
{
    private const int MaxLinks = 40;

    /// <summary>Confines paths to <paramref name="roots"/> (canonical, see <see cref="TryCanonicalize"/>).</summary>
    /// <param name="baseDirectory">Where relative paths start (canonical).</param>
    /// <param name="roots">The directories paths must stay inside (canonical).</param>
    /// <param name="rootName">How error messages name a root, such as "root" or "dump_root".</param>
    public PathConfinement(string baseDirectory, ImmutableArray<string> roots, string rootName = "root")
    {
        BaseDirectory = baseDirectory;
        Roots = roots;
        RootName = rootName;
    }

    /// <summary>Where relative paths start, canonical.</summary>
    public string BaseDirectory { get; }

    /// <summary>How error messages name a root.</summary>
    public string RootName { get; }

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
            ? $"\"{path}\" resolves to \"{canonical}\", outside the {RootName} \"{Roots[0]}\""
            : $"\"{path}\" resolves to \"{canonical}\", outside the {RootName}s {string.Join(", ", Roots.Select(r => $"\"{r}\""))}";
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

    /// <summary>Whether canonical <paramref name="path"/> is canonical <paramref name="root"/> or lies inside it.</summary>
    public static bool IsInside(string path, string root) =>
        string.Equals(path, root, StringComparison.Ordinal)
        || (path.StartsWith(root, StringComparison.Ordinal)
            && (root.EndsWith(Path.DirectorySeparatorChar) || path[root.Length] == Path.DirectorySeparatorChar));

    private static string[] Split(string path) =>
        path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.EndsWith(':')).ToArray();
}
