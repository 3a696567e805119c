using System.Diagnostics.CodeAnalysis;
using Baton.Runtime;

namespace Baton.Providers.Postgres;

/// <summary>
/// The directory dumps are written to and restored from (setting <c>dump_root</c>): the SDK's
/// <see cref="PathConfinement"/> with one more rule, that the root itself is not a dump file.
/// </summary>
internal sealed class DumpRoot(string baseDirectory, string root)
{
    private readonly PathConfinement _confinement = new(baseDirectory, [root], "provider's dump_root");

    /// <summary>Where relative paths start: the stack directory, canonical.</summary>
    public string BaseDirectory => _confinement.BaseDirectory;

    /// <summary>The root, canonical.</summary>
    public string Root { get; } = root;

    /// <summary>Resolves <paramref name="path"/> to a file inside the root; false with a one-line reason otherwise.</summary>
    public bool TryResolve(string path, [NotNullWhen(true)] out string? resolved, [NotNullWhen(false)] out string? error)
    {
        if (!_confinement.TryResolve(path, out resolved, out error))
        {
            return false;
        }

        if (string.Equals(resolved, Root, StringComparison.Ordinal))
        {
            resolved = null;
            error = $"\"{path}\" is the dump_root directory itself, not a file in it";
            return false;
        }

        return true;
    }
}
