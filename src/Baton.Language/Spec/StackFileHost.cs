using Baton.Expressions;
using Baton.Text;

namespace Baton.Spec;

/// <summary>
/// Lets <c>file()</c> and <c>template()</c> read files of the stack directory and nothing else: a path that leaves the
/// directory, directly, through <c>..</c> or through a symbolic link, is refused, as is a file over the size limit.
/// </summary>
public sealed class StackFileHost : IExpressionHost
{
    /// <summary>The largest file the functions read: 4 MiB.</summary>
    public const long MaxFileBytes = 4 * 1024 * 1024;

    private readonly string _root;

    /// <summary>Confines reads to <paramref name="root"/>.</summary>
    public StackFileHost(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        _root = Path.TrimEndingDirectorySeparator(RealPath(Path.GetFullPath(root)));
    }

    /// <inheritdoc />
    public bool TryReadFile(string path, out string content, out string error)
    {
        content = string.Empty;
        if (string.IsNullOrEmpty(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            error = "the path is empty";
            return false;
        }

        var full = RealPath(Path.GetFullPath(Path.Combine(_root, path)));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            error = $"\"{path}\" is outside the stack directory";
            return false;
        }

        if (!TextFile.TryRead(full, $"\"{path}\"", MaxFileBytes, out content, out error, out _))
        {
            return false;
        }

        error = string.Empty;
        return true;
    }

    /// <summary>The path with every symbolic link along it resolved, so a link cannot lead out of the root.</summary>
    private static string RealPath(string path)
    {
        var root = Path.GetPathRoot(path) ?? "/";
        var current = root;
        foreach (var part in path[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (info.Exists && info.LinkTarget is not null)
            {
                var target = info.ResolveLinkTarget(returnFinalTarget: true);
                next = target is null ? next : Path.GetFullPath(target.FullName);
            }

            current = next;
        }

        return current;
    }
}
