using System.Collections.Immutable;
using Baton.Values;

namespace Baton.Expressions;

/// <summary>A scope over a fixed dictionary of root values.</summary>
public sealed class EvaluationScope : IEvaluationScope
{
    private readonly ImmutableDictionary<string, Value> _roots;

    /// <summary>Creates a scope with the given roots, reading files through <paramref name="host"/> (no files when null).</summary>
    public EvaluationScope(IEnumerable<KeyValuePair<string, Value>> roots, IExpressionHost? host = null)
    {
        ArgumentNullException.ThrowIfNull(roots);
        _roots = roots.ToImmutableDictionary(StringComparer.Ordinal);
        Host = host ?? NoFileAccessHost.Instance;
    }

    /// <summary>A scope with no roots and no files.</summary>
    public static EvaluationScope Empty { get; } = new([]);

    /// <summary>The names in scope, for suggestions.</summary>
    public IEnumerable<string> Names => _roots.Keys;

    /// <inheritdoc />
    public IExpressionHost Host { get; }

    /// <inheritdoc />
    public bool TryGetRoot(string name, out Value value)
    {
        if (_roots.TryGetValue(name, out var found))
        {
            value = found;
            return true;
        }

        value = Value.Null;
        return false;
    }
}
