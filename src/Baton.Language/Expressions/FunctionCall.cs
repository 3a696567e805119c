using System.Collections.Immutable;
using Baton.Diagnostics;
using Baton.Values;

namespace Baton.Expressions;

/// <summary>One call of an <see cref="IFunction"/>: its arguments, where they are, and how to report a failure.</summary>
public sealed class FunctionCall
{
    private readonly ImmutableArray<SourceSpan> _argumentSpans;

    internal FunctionCall(
        IFunction function,
        ImmutableArray<Value> arguments,
        ImmutableArray<Value> given,
        SourceSpan span,
        ImmutableArray<SourceSpan> argumentSpans,
        IExpressionHost host,
        DiagnosticBag diagnostics,
        int templateDepth,
        EvaluationBudget budget)
    {
        Function = function;
        Arguments = arguments;
        Given = given;
        Span = span;
        _argumentSpans = argumentSpans;
        Host = host;
        Diagnostics = diagnostics;
        TemplateDepth = templateDepth;
        Budget = budget;
    }

    /// <summary>The function called.</summary>
    public IFunction Function { get; }

    /// <summary>The arguments, converted to the parameter types.</summary>
    public ImmutableArray<Value> Arguments { get; }

    /// <summary>
    /// The arguments as given, before conversion, with their sensitivity marks (<see cref="Arguments"/> are unmarked
    /// so that function bodies compute on plain values; the result is marked again by the caller).
    /// </summary>
    public ImmutableArray<Value> Given { get; }

    /// <summary>Whether argument <paramref name="index"/> is or holds a sensitive value.</summary>
    public bool IsSensitive(int index) => index >= 0 && index < Given.Length && Given[index].ContainsSensitive;

    /// <summary>Argument <paramref name="index"/> for a message: marked sensitive when it was, so it shows as <c>(sensitive)</c>.</summary>
    public Value Shown(int index) => IsSensitive(index) ? Arguments[index].AsSensitive() : Arguments[index];

    /// <summary>Where the whole call is.</summary>
    public SourceSpan Span { get; }

    /// <summary>Where files are read.</summary>
    public IExpressionHost Host { get; }

    internal DiagnosticBag Diagnostics { get; }

    internal int TemplateDepth { get; }

    internal EvaluationBudget Budget { get; }

    /// <summary>Where argument <paramref name="index"/> is; the call's span when there is no such argument.</summary>
    public SourceSpan ArgumentSpan(int index) => index >= 0 && index < _argumentSpans.Length ? _argumentSpans[index] : Span;

    /// <summary>
    /// Reports that the function failed (at argument <paramref name="argument"/>, or the call) and returns an unknown
    /// value. Whatever the message quotes of a sensitive argument is shown as <c>(sensitive)</c>.
    /// </summary>
    public Value Fail(string message, int? argument = null, string? help = null)
    {
        Diagnostics.Add(SensitiveText.Scrub(
            Diagnostic.Error(
                DiagnosticCodes.FunctionFailed,
                $"{Function.Name}: {message}",
                argument is { } index ? ArgumentSpan(index) : Span,
                help),
            Given.AsSpan()));
        return Value.UnknownAny;
    }

    /// <summary>A number result, or a NumberOutOfRange error when it is not finite.</summary>
    public Value Number(double number)
    {
        if (double.IsFinite(number))
        {
            return Value.Number(number);
        }

        Diagnostics.Error(DiagnosticCodes.NumberOutOfRange, $"{Function.Name}: the result is not a finite number", Span);
        return Value.UnknownAny;
    }

    /// <summary>Argument <paramref name="index"/> as a whole number within <see cref="int"/>; reports and returns false otherwise.</summary>
    public bool TryInteger(int index, out int value)
    {
        var number = Arguments[index].AsNumber();
        if (number != Math.Floor(number) || number < int.MinValue || number > int.MaxValue)
        {
            Fail($"{Function.Parameters[Math.Min(index, Function.Parameters.Length - 1)].Name} must be a whole number, got {Value.FormatNumber(number)}", index);
            value = 0;
            return false;
        }

        value = (int)number;
        return true;
    }
}
