using System.Collections.Immutable;
using Baton.Values;

namespace Baton.Expressions;

internal sealed class BuiltinFunction : IFunction
{
    private readonly Func<FunctionCall, Value> _body;

    public BuiltinFunction(
        string name,
        BatonType returnType,
        ImmutableArray<FunctionParameter> parameters,
        Func<FunctionCall, Value> body,
        FunctionParameter? variadic = null,
        bool acceptsPartlyUnknown = false)
    {
        Name = name;
        ReturnType = returnType;
        Parameters = parameters;
        VariadicParameter = variadic;
        AcceptsPartlyUnknown = acceptsPartlyUnknown;
        _body = body;
        var shown = parameters.Select(p => p.Optional ? $"[{p}]" : p.ToString()).ToList();
        if (variadic is not null)
        {
            shown.Add($"{variadic}...");
        }

        Signature = $"{name}({string.Join(", ", shown)}) {returnType}";
    }

    public string Name { get; }

    public ImmutableArray<FunctionParameter> Parameters { get; }

    public FunctionParameter? VariadicParameter { get; }

    public BatonType ReturnType { get; }

    public bool AcceptsPartlyUnknown { get; }

    public string Signature { get; }

    public Value Invoke(FunctionCall call) => _body(call);
}
