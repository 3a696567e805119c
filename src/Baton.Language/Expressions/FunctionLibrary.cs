using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Baton.Expressions;

/// <summary>The functions expressions can call, by name.</summary>
public static class FunctionLibrary
{
    private static readonly FrozenDictionary<string, IFunction> Functions =
        StringFunctions.All()
            .Concat(CollectionFunctions.All())
            .Concat(NumericFunctions.All())
            .Concat(EncodingFunctions.All())
            .Concat(FileFunctions.All())
            .ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>Every function name, sorted, for suggestions and documentation.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Functions.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The function called <paramref name="name"/>, if there is one.</summary>
    public static bool TryGet(string name, [NotNullWhen(true)] out IFunction? function) => Functions.TryGetValue(name, out function);

    /// <summary>The fewest arguments a call may pass.</summary>
    public static int MinimumArguments(IFunction function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return function.Parameters.Count(p => !p.Optional);
    }

    /// <summary>The most arguments a call may pass; <c>null</c> for a variadic function.</summary>
    public static int? MaximumArguments(IFunction function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return function.VariadicParameter is null ? function.Parameters.Length : null;
    }

    /// <summary>The parameter that argument <paramref name="index"/> binds to, if any.</summary>
    public static FunctionParameter? ParameterAt(IFunction function, int index)
    {
        ArgumentNullException.ThrowIfNull(function);
        return index < function.Parameters.Length ? function.Parameters[index] : function.VariadicParameter;
    }
}
