using System.Collections.Immutable;
using Baton.Values;

namespace Baton.Expressions;

/// <summary>
/// A function of the expression language. The declaration (parameters, return type) serves both evaluation, which
/// checks arity and converts arguments before <see cref="Invoke"/>, and the static <see cref="TypeChecker"/>.
/// </summary>
public interface IFunction
{
    /// <summary>The name it is called by.</summary>
    string Name { get; }

    /// <summary>The fixed parameters: required ones first, then optional ones.</summary>
    ImmutableArray<FunctionParameter> Parameters { get; }

    /// <summary>The parameter that takes any number of further arguments, if the function is variadic.</summary>
    FunctionParameter? VariadicParameter { get; }

    /// <summary>The type of the result.</summary>
    BatonType ReturnType { get; }

    /// <summary>
    /// Whether the function accepts collections with unknown elements (it still never sees an argument that is unknown
    /// as a whole: the result of such a call is unknown without calling it).
    /// </summary>
    bool AcceptsPartlyUnknown { get; }

    /// <summary>The signature as shown in messages, such as <c>join(separator string, list list(string)) string</c>.</summary>
    string Signature { get; }

    /// <summary>
    /// Computes the result from arguments that are known, not null unless allowed, converted to the parameter types,
    /// and stripped of sensitive marks (the caller marks the result). Reports failures through <paramref name="call"/>.
    /// </summary>
    Value Invoke(FunctionCall call);
}
