using System.Collections.Immutable;

namespace Baton.Expressions;

/// <summary>A host whose files are a dictionary from path to content, for tests and for embedding stacks in memory.</summary>
public sealed class InMemoryFileHost : IExpressionHost
{
    private readonly ImmutableDictionary<string, string> _files;

    /// <summary>Creates a host holding <paramref name="files"/> (path to content, paths compared ordinally).</summary>
    public InMemoryFileHost(IEnumerable<KeyValuePair<string, string>> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        _files = files.ToImmutableDictionary(StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public bool TryReadFile(string path, out string content, out string error)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (_files.TryGetValue(path, out var found))
        {
            content = found;
            error = string.Empty;
            return true;
        }

        content = string.Empty;
        error = $"no such file \"{path}\"";
        return false;
    }
}
