using Baton.Values;

namespace Baton.Expressions;

/// <summary>A parameter of a function: its name and type, whether it may be left out and whether it accepts null.</summary>
/// <param name="Name">The name shown in signatures.</param>
/// <param name="Type">The type an argument is converted to before the call.</param>
public sealed record FunctionParameter(string Name, BatonType Type)
{
    /// <summary>Whether the argument may be left out; optional parameters follow the required ones.</summary>
    public bool Optional { get; init; }

    /// <summary>Whether null is a valid argument; otherwise a null argument is an error.</summary>
    public bool AllowsNull { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Name} {Type}";
}
