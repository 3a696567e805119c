using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text;
using Baton.Diagnostics;
using Baton.Text;
using Baton.Values;

namespace Baton.Expressions;

/// <summary>
/// One evaluation. Errors become diagnostics and the failing node yields <see cref="Value.UnknownAny"/>; since every
/// operation passes unknown operands through silently, an error is reported once and never cascades.
/// </summary>
internal sealed class EvaluationRun
{
    /// <summary>Deeper trees than this (which the parser never returns) are refused rather than risk the stack.</summary>
    private const int MaxDepth = 1000;

    private readonly IEvaluationScope _scope;
    private readonly DiagnosticBag _diagnostics;
    private readonly int _templateDepth;
    private readonly EvaluationBudget _budget;

    /// <summary>The variables of the <c>%{ for }</c> loops being rendered, innermost last; they hide roots of the same name.</summary>
    private readonly List<KeyValuePair<string, Value>> _locals = [];
    private int _depth;

    public EvaluationRun(IEvaluationScope scope, DiagnosticBag diagnostics, int templateDepth, EvaluationBudget? budget = null)
    {
        _scope = scope;
        _diagnostics = diagnostics;
        _templateDepth = templateDepth;
        _budget = budget ?? new EvaluationBudget();
    }

    public Value Evaluate(Expression expression)
    {
        if (_depth >= MaxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            return Error(DiagnosticCodes.ExpressionSyntax, "expression nested too deeply to evaluate", expression.Span);
        }

        _depth++;
        try
        {
            return expression switch
            {
                LiteralExpression literal => literal.Value,
                TemplateExpression template => EvaluateParts(template.Parts),
                ForTemplateExpression loop => EvaluateFor(loop),
                IfTemplateExpression branch => EvaluateIf(branch),
                VariableExpression variable => EvaluateVariable(variable),
                GetAttrExpression getAttr => GetAttribute(Evaluate(getAttr.Target), getAttr.Name, getAttr.Span),
                IndexExpression index => EvaluateIndex(index),
                SplatExpression splat => EvaluateSplat(splat),
                FunctionCallExpression call => EvaluateCall(call),
                UnaryExpression unary => EvaluateUnary(unary),
                BinaryExpression binary => EvaluateBinary(binary),
                ConditionalExpression conditional => EvaluateConditional(conditional),
                ListExpression list => Value.List(list.Items.Select(Evaluate).ToList()),
                MapExpression map => EvaluateMap(map),
                _ => Error(DiagnosticCodes.ExpressionSyntax, $"unsupported expression {expression.GetType().Name}", expression.Span),
            };
        }
        finally
        {
            _depth--;
        }
    }

    /// <summary>Template parts joined into a string: unknown when a part is, sensitive when a part is, <see cref="Value.UnknownAny"/> after an error.</summary>
    private Value EvaluateParts(ImmutableArray<Expression> parts)
    {
        var builder = new StringBuilder();
        var sensitive = false;
        var unknown = false;
        var failed = false;
        foreach (var part in parts)
        {
            var value = Evaluate(part);
            sensitive |= value.IsSensitive;
            if (!value.IsKnown)
            {
                unknown = true;
            }
            else if (!ValueConversions.TryText(value, out var text))
            {
                failed = true;
                var help = value.Kind switch
                {
                    ValueKind.Null => "use coalesce(value, \"\") for a default",
                    ValueKind.List => "use join(\", \", list), or jsonencode()",
                    _ => "use jsonencode(), or pick one value",
                };
                Error(DiagnosticCodes.InvalidOperand, $"cannot interpolate {ValueConversions.KindName(value)} into a string", part.Span, help);
            }
            else
            {
                builder.Append(text);
            }
        }

        if (failed)
        {
            return Value.UnknownAny;
        }

        return (unknown ? Value.Unknown(BatonType.String) : Value.String(builder.ToString())).WithSensitivity(sensitive);
    }

    /// <summary>
    /// Renders the body once for each element of a list (the key is the index) or entry of a map (in key order), the
    /// loop variables holding the element marked as sensitive when the collection is. An unknown collection renders
    /// the body once over unknown variables, so that its mistakes are reported now, and the result is unknown.
    /// </summary>
    private Value EvaluateFor(ForTemplateExpression loop)
    {
        var collection = Evaluate(loop.Collection);
        var marked = collection.IsSensitive;
        if (!collection.IsKnown)
        {
            var type = collection.UnknownType;
            var keyType = type.Kind == TypeKind.List ? BatonType.Int : type.Kind == TypeKind.Map ? BatonType.String : BatonType.Any;
            var valueType = type.Kind is TypeKind.List or TypeKind.Map ? type.Element! : BatonType.Any;
            var body = EvaluateBody(loop, Value.Unknown(keyType).WithSensitivity(marked), Value.Unknown(valueType).WithSensitivity(marked));
            return Failed(body) ? body : Value.Unknown(BatonType.String).WithSensitivity(marked || body.IsSensitive);
        }

        IEnumerable<KeyValuePair<Value, Value>> elements;
        switch (collection.Kind)
        {
            case ValueKind.List:
                elements = collection.AsList().Select((item, index) => KeyValuePair.Create(Value.Number(index), item));
                break;
            case ValueKind.Map:
                elements = collection.AsMap().Select(entry => KeyValuePair.Create(Value.String(entry.Key), entry.Value));
                break;
            default:
                return Error(
                    DiagnosticCodes.InvalidOperand,
                    $"\"%{{ for }}\" needs a list or a map, not {ValueConversions.KindAndValue(collection)}",
                    loop.Collection.Span,
                    collection.Kind switch
                    {
                        ValueKind.Null => "use coalesce(list, []) to go over nothing when the list is null",
                        ValueKind.String => "use split() to go over parts of a string",
                        _ => null,
                    });
        }

        var builder = new StringBuilder();
        var unknown = false;
        var sensitive = marked;
        foreach (var (key, item) in elements)
        {
            var errorsBefore = _diagnostics.ErrorCount;
            var body = EvaluateBody(loop, key.WithSensitivity(marked), item.WithSensitivity(marked));
            if (_diagnostics.ErrorCount > errorsBefore || Failed(body))
            {
                // One report for the first element that fails, not one per element.
                return Value.UnknownAny;
            }

            sensitive |= body.IsSensitive;
            var text = body.IsKnown ? body.AsString() : string.Empty;
            unknown |= !body.IsKnown;
            if (_budget.SpendIteration(text.Length) is { } why)
            {
                return why.Length == 0 ? Value.UnknownAny : Error(DiagnosticCodes.LimitExceeded, why, loop.Collection.Span, "a loop in a loop multiplies; render less, or split the template");
            }

            if (!unknown)
            {
                builder.Append(text);
            }
        }

        return (unknown ? Value.Unknown(BatonType.String) : Value.String(builder.ToString())).WithSensitivity(sensitive);
    }

    /// <summary>Whether rendering template parts failed: only then are they the bare <see cref="Value.UnknownAny"/>, never an unknown string.</summary>
    private static bool Failed(Value parts) => ReferenceEquals(parts, Value.UnknownAny);

    private Value EvaluateBody(ForTemplateExpression loop, Value key, Value value)
    {
        var before = _locals.Count;
        if (loop.KeyName is not null)
        {
            _locals.Add(KeyValuePair.Create(loop.KeyName, key));
        }

        _locals.Add(KeyValuePair.Create(loop.ValueName, value));
        try
        {
            return EvaluateParts(loop.Body);
        }
        finally
        {
            _locals.RemoveRange(before, _locals.Count - before);
        }
    }

    /// <summary>The chosen branch, rendered; an unknown condition renders both (to report their mistakes) and yields an unknown string.</summary>
    private Value EvaluateIf(IfTemplateExpression branch)
    {
        var condition = Evaluate(branch.Condition);
        if (!condition.IsKnown)
        {
            var then = EvaluateParts(branch.Then);
            var otherwise = EvaluateParts(branch.Else);
            if (Failed(then) || Failed(otherwise))
            {
                return Value.UnknownAny;
            }

            return Value.Unknown(BatonType.String).WithSensitivity(condition.IsSensitive || then.IsSensitive || otherwise.IsSensitive);
        }

        if (!ValueConversions.TryBool(condition, out var chosen))
        {
            return Error(
                DiagnosticCodes.InvalidOperand,
                $"the condition of \"%{{ if }}\" must be a bool, not {ValueConversions.KindAndValue(condition)}",
                branch.Condition.Span,
                condition.Kind == ValueKind.Null ? "use coalesce(value, false) for a default" : "compare it, such as x != \"\" or length(x) > 0");
        }

        var result = EvaluateParts(chosen ? branch.Then : branch.Else);
        return Failed(result) ? result : result.WithSensitivity(condition.IsSensitive);
    }

    private Value EvaluateVariable(VariableExpression variable)
    {
        for (var i = _locals.Count - 1; i >= 0; i--)
        {
            if (_locals[i].Key == variable.Name)
            {
                return _locals[i].Value;
            }
        }

        if (_scope.TryGetRoot(variable.Name, out var value))
        {
            return value;
        }

        var help = _scope is EvaluationScope known ? Suggestions.DidYouMean(variable.Name, known.Names.Concat(_locals.Select(l => l.Key))) : null;
        return Error(DiagnosticCodes.ReferenceNotAvailable, $"\"{variable.Name}\" is not available here", variable.Span, help);
    }

    private Value GetAttribute(Value target, string name, SourceSpan span)
    {
        switch (target.Kind)
        {
            case ValueKind.Unknown:
                return Value.Unknown(ElementType(target.UnknownType, TypeKind.Map)).WithSensitivity(target.IsSensitive);
            case ValueKind.Map:
                var map = target.AsMap();
                if (map.TryGetValue(name, out var found))
                {
                    return found.WithSensitivity(target.IsSensitive);
                }

                return Error(
                    DiagnosticCodes.MissingElement,
                    $"no attribute or key \"{name}\" here",
                    span,
                    Suggestions.DidYouMean(name, map.Keys) ?? KeysHelp(map.Keys));
            case ValueKind.List:
                return Error(
                    DiagnosticCodes.InvalidOperand,
                    $"a list has no attribute \"{name}\"",
                    span,
                    $"use [*].{name} to take \"{name}\" of every element, or [0].{name} for the first");
            default:
                return Error(DiagnosticCodes.InvalidOperand, $"{ValueConversions.KindName(target)} has no attribute \"{name}\"", span);
        }
    }

    private Value EvaluateIndex(IndexExpression index)
    {
        var target = Evaluate(index.Target);
        var key = Evaluate(index.Key);
        return GetElement(target, key, index.Key.Span);
    }

    private Value GetElement(Value target, Value key, SourceSpan keySpan)
    {
        var sensitive = target.IsSensitive || key.IsSensitive;
        if (!target.IsKnown || !key.IsKnown)
        {
            var kind = key.IsKnown && key.Kind == ValueKind.String ? TypeKind.Map : TypeKind.List;
            var type = target.IsKnown ? BatonType.Of(target) : target.UnknownType;
            var element = type.Kind is TypeKind.List or TypeKind.Map ? type.Element! : ElementType(type, kind);
            return Value.Unknown(element).WithSensitivity(sensitive);
        }

        switch (target.Kind)
        {
            case ValueKind.List:
                var items = target.AsList();
                if (!ValueConversions.TryNumber(key, out var number) || number != Math.Floor(number))
                {
                    return Error(
                        DiagnosticCodes.InvalidOperand,
                        $"a list index must be a whole number, not {ValueConversions.KindAndValue(key)}",
                        keySpan);
                }

                if (number < 0 || number >= items.Length)
                {
                    return Error(
                        DiagnosticCodes.MissingElement,
                        $"index {Value.FormatNumber(number)} is out of range for a list of {items.Length} element{(items.Length == 1 ? string.Empty : "s")}",
                        keySpan,
                        items.Length == 0 ? "the list is empty" : $"valid indexes are 0 to {items.Length - 1}");
                }

                return items[(int)number].WithSensitivity(sensitive);
            case ValueKind.Map:
                var map = target.AsMap();
                if (key.Kind != ValueKind.String)
                {
                    return Error(
                        DiagnosticCodes.InvalidOperand,
                        $"a map key must be a string, not {ValueConversions.KindAndValue(key)}",
                        keySpan,
                        key.Kind == ValueKind.Number ? $"write [\"{Value.FormatNumber(key.AsNumber())}\"]" : null);
                }

                if (map.TryGetValue(key.AsString(), out var found))
                {
                    return found.WithSensitivity(sensitive);
                }

                return Error(
                    DiagnosticCodes.MissingElement,
                    $"no key {ValueConversions.Describe(key)} in the map",
                    keySpan,
                    (key.IsSensitive ? null : Suggestions.DidYouMean(key.AsString(), map.Keys)) ?? KeysHelp(map.Keys));
            default:
                return Error(DiagnosticCodes.InvalidOperand, $"{ValueConversions.KindName(target)} cannot be indexed", keySpan);
        }
    }

    private static string KeysHelp(IEnumerable<string> keys)
    {
        var list = keys.Take(6).Select(k => $"\"{k}\"").ToList();
        return list.Count == 0 ? "the map is empty" : $"the keys are {string.Join(", ", list)}{(keys.Skip(6).Any() ? ", …" : string.Empty)}";
    }

    private static BatonType ElementType(BatonType type, TypeKind expected) =>
        type.Kind == expected || (type.Kind is TypeKind.List or TypeKind.Map && expected is TypeKind.List or TypeKind.Map)
            ? type.Element ?? BatonType.Any
            : BatonType.Any;

    private Value EvaluateSplat(SplatExpression splat)
    {
        var target = Evaluate(splat.Target);
        var keys = new Value?[splat.Steps.Length];
        var keySensitive = false;
        for (var i = 0; i < splat.Steps.Length; i++)
        {
            keys[i] = splat.Steps[i] switch
            {
                IndexTraversal index => index.Key,
                DynamicIndexTraversal dynamic => Evaluate(dynamic.Key),
                _ => null,
            };
            keySensitive |= keys[i]?.IsSensitive == true;
        }

        if (!target.IsKnown)
        {
            return Value.Unknown(BatonType.AnyList).WithSensitivity(target.IsSensitive || keySensitive);
        }

        if (target.Kind == ValueKind.Null)
        {
            // As in Terraform: a splat over null is the empty list, so optional values need no conditional.
            return Value.EmptyList.WithSensitivity(target.IsSensitive);
        }

        if (target.Kind != ValueKind.List)
        {
            return Error(
                DiagnosticCodes.InvalidOperand,
                $"[*] needs a list, not {ValueConversions.KindName(target)}",
                splat.Target.Span,
                target.Kind == ValueKind.Map ? "use values(map)[*] to go over the values of a map" : null);
        }

        var results = new List<Value>();
        foreach (var item in target.AsList())
        {
            var errorsBefore = _diagnostics.ErrorCount;
            var current = item;
            for (var i = 0; i < splat.Steps.Length; i++)
            {
                current = splat.Steps[i] is AttributeTraversal attribute
                    ? GetAttribute(current, attribute.Name, splat.Span)
                    : GetElement(current, keys[i]!, splat.Span);
            }

            if (_diagnostics.ErrorCount > errorsBefore)
            {
                // One report for the first element that fails, not one per element.
                return Value.UnknownAny;
            }

            results.Add(current.WithSensitivity(keySensitive));
        }

        return Value.List(results).WithSensitivity(target.IsSensitive);
    }

    private Value EvaluateCall(FunctionCallExpression call)
    {
        if (!FunctionLibrary.TryGet(call.Name, out var function))
        {
            return Error(
                DiagnosticCodes.UnknownFunction,
                $"there is no function \"{call.Name}\"",
                call.NameSpan,
                Suggestions.DidYouMean(call.Name, FunctionLibrary.Names));
        }

        var count = call.Arguments.Length;
        var minimum = FunctionLibrary.MinimumArguments(function);
        var maximum = FunctionLibrary.MaximumArguments(function);
        if (count < minimum || count > maximum)
        {
            return Error(DiagnosticCodes.WrongArity, ArityMessage(function, count), call.Span, $"the signature is {function.Signature}");
        }

        var arguments = ImmutableArray.CreateBuilder<Value>(count);
        var given = ImmutableArray.CreateBuilder<Value>(count);
        var sensitive = false;
        var unknown = false;
        var failed = false;
        for (var i = 0; i < count; i++)
        {
            var value = Evaluate(call.Arguments[i]);
            given.Add(value);
            sensitive |= value.ContainsSensitive;
            var parameter = FunctionLibrary.ParameterAt(function, i)!;
            if (!value.IsKnown || (!value.IsWhollyKnown && !function.AcceptsPartlyUnknown))
            {
                unknown = true;
                arguments.Add(value);
                continue;
            }

            if (value.Kind == ValueKind.Null && !parameter.AllowsNull)
            {
                failed = true;
                Error(DiagnosticCodes.InvalidOperand, $"{parameter.Name} of {function.Name}() must not be null", call.Arguments[i].Span);
                continue;
            }

            if (!parameter.Type.TryConvert(ValueConversions.Unmark(value), out var converted, out var conversionError))
            {
                failed = true;
                Error(
                    DiagnosticCodes.InvalidOperand,
                    value.ContainsSensitive
                        ? $"{parameter.Name} of {function.Name}() must be {parameter.Type}, not {ValueConversions.KindName(value)}"
                        : $"{parameter.Name} of {function.Name}() must be {parameter.Type}: {conversionError}",
                    call.Arguments[i].Span,
                    $"the signature is {function.Signature}");
                continue;
            }

            arguments.Add(converted);
        }

        if (failed)
        {
            return Value.UnknownAny;
        }

        if (unknown)
        {
            return Value.Unknown(function.ReturnType).WithSensitivity(sensitive);
        }

        var context = new FunctionCall(
            function,
            arguments.MoveToImmutable(),
            given.MoveToImmutable(),
            call.Span,
            [.. call.Arguments.Select(a => a.Span)],
            _scope.Host,
            _diagnostics,
            _templateDepth,
            _budget);
        return function.Invoke(context).WithSensitivity(sensitive);
    }

    internal static string ArityMessage(IFunction function, int count)
    {
        var minimum = FunctionLibrary.MinimumArguments(function);
        var maximum = FunctionLibrary.MaximumArguments(function);
        var expected = maximum is null ? $"at least {minimum}"
            : minimum == maximum ? $"{minimum}"
            : $"{minimum} to {maximum}";
        return $"{function.Name}() takes {expected} argument{(expected == "1" ? string.Empty : "s")}, but {count} {(count == 1 ? "was" : "were")} given";
    }

    private Value EvaluateUnary(UnaryExpression unary)
    {
        var operand = Evaluate(unary.Operand);
        if (unary.Operator == UnaryOperator.Not)
        {
            if (!operand.IsKnown)
            {
                return Value.Unknown(BatonType.Bool).WithSensitivity(operand.IsSensitive);
            }

            return ValueConversions.TryBool(operand, out var b)
                ? Value.Bool(!b).WithSensitivity(operand.IsSensitive)
                : Error(DiagnosticCodes.InvalidOperand, $"\"!\" needs a bool, not {ValueConversions.KindAndValue(operand)}", unary.Operand.Span);
        }

        if (!operand.IsKnown)
        {
            return Value.Unknown(BatonType.Number).WithSensitivity(operand.IsSensitive);
        }

        return ValueConversions.TryNumber(operand, out var n)
            ? Number(-n, unary.Span).WithSensitivity(operand.IsSensitive)
            : Error(DiagnosticCodes.InvalidOperand, $"\"-\" needs a number, not {ValueConversions.KindAndValue(operand)}", unary.Operand.Span);
    }

    private Value EvaluateBinary(BinaryExpression binary)
    {
        if (binary.Operator is BinaryOperator.And or BinaryOperator.Or)
        {
            return EvaluateLogical(binary);
        }

        var left = Evaluate(binary.Left);
        var right = Evaluate(binary.Right);
        if (binary.Operator is BinaryOperator.Equal or BinaryOperator.NotEqual)
        {
            var sensitiveEquality = left.ContainsSensitive || right.ContainsSensitive;
            if (!left.IsWhollyKnown || !right.IsWhollyKnown)
            {
                return Value.Unknown(BatonType.Bool).WithSensitivity(sensitiveEquality);
            }

            return Value.Bool(left.Equals(right) == (binary.Operator == BinaryOperator.Equal)).WithSensitivity(sensitiveEquality);
        }

        var sensitive = left.IsSensitive || right.IsSensitive;
        var symbol = Syntax.Symbol(binary.Operator);
        // One report per operator: when both operands are wrong, the left one says enough.
        if (!TryOperand(left, binary.Left, binary, "left", out var l) || !TryOperand(right, binary.Right, binary, "right", out var r))
        {
            return Value.UnknownAny;
        }

        var comparison = binary.Operator is BinaryOperator.Less or BinaryOperator.LessOrEqual or BinaryOperator.Greater or BinaryOperator.GreaterOrEqual;
        if (!left.IsKnown || !right.IsKnown)
        {
            return Value.Unknown(comparison ? BatonType.Bool : BatonType.Number).WithSensitivity(sensitive);
        }

        if (binary.Operator is BinaryOperator.Divide or BinaryOperator.Modulo && r == 0)
        {
            return Error(DiagnosticCodes.DivisionByZero, $"\"{symbol}\" by zero", binary.Right.Span);
        }

        var result = binary.Operator switch
        {
            BinaryOperator.Less => Value.Bool(l < r),
            BinaryOperator.LessOrEqual => Value.Bool(l <= r),
            BinaryOperator.Greater => Value.Bool(l > r),
            BinaryOperator.GreaterOrEqual => Value.Bool(l >= r),
            BinaryOperator.Add => Number(l + r, binary.Span),
            BinaryOperator.Subtract => Number(l - r, binary.Span),
            BinaryOperator.Multiply => Number(l * r, binary.Span),
            BinaryOperator.Divide => Number(l / r, binary.Span),
            _ => Number(l % r, binary.Span),
        };
        return result.WithSensitivity(sensitive);
    }

    /// <summary>Converts a known operand of an arithmetic or comparison operator to a number; unknown operands pass.</summary>
    private bool TryOperand(Value value, Expression operand, BinaryExpression binary, string side, out double number)
    {
        number = 0;
        if (!value.IsKnown || ValueConversions.TryNumber(value, out number))
        {
            return true;
        }

        var symbol = Syntax.Symbol(binary.Operator);
        string? help = null;
        if (binary.Operator == BinaryOperator.Add && value.Kind == ValueKind.String)
        {
            help = "\"+\" adds numbers; to join strings use \"${a}${b}\" or join()";
        }
        else if (binary.Operator is BinaryOperator.Less or BinaryOperator.LessOrEqual or BinaryOperator.Greater or BinaryOperator.GreaterOrEqual)
        {
            help = "comparisons work on numbers only; use == or != for other values";
        }

        Error(
            DiagnosticCodes.InvalidOperand,
            $"\"{symbol}\" needs numbers, but the {side} operand is {ValueConversions.KindAndValue(value)}",
            operand.Span,
            help);
        return false;
    }

    private Value EvaluateLogical(BinaryExpression binary)
    {
        var isAnd = binary.Operator == BinaryOperator.And;
        var symbol = isAnd ? "&&" : "||";
        var left = Evaluate(binary.Left);
        if (left.IsKnown && !ValueConversions.TryBool(left, out _))
        {
            return Error(DiagnosticCodes.InvalidOperand, $"\"{symbol}\" needs bools, but the left operand is {ValueConversions.KindAndValue(left)}", binary.Left.Span);
        }

        if (left.IsKnown && ValueConversions.TryBool(left, out var l) && l != isAnd)
        {
            // false && … and true || … are decided without the right side, which is not evaluated.
            return Value.Bool(l).WithSensitivity(left.IsSensitive);
        }

        var right = Evaluate(binary.Right);
        var sensitive = left.IsSensitive || right.IsSensitive;
        if (right.IsKnown && !ValueConversions.TryBool(right, out _))
        {
            return Error(DiagnosticCodes.InvalidOperand, $"\"{symbol}\" needs bools, but the right operand is {ValueConversions.KindAndValue(right)}", binary.Right.Span);
        }

        if (right.IsKnown && ValueConversions.TryBool(right, out var r))
        {
            if (r != isAnd || left.IsKnown)
            {
                // Known left (the neutral value) or a deciding right side: the result is known.
                return Value.Bool(r).WithSensitivity(sensitive);
            }
        }

        return Value.Unknown(BatonType.Bool).WithSensitivity(sensitive);
    }

    private Value EvaluateConditional(ConditionalExpression conditional)
    {
        var condition = Evaluate(conditional.Condition);
        if (!condition.IsKnown)
        {
            var whenTrue = Evaluate(conditional.TrueResult);
            var whenFalse = Evaluate(conditional.FalseResult);
            var type = BatonType.Common([BatonType.Of(whenTrue), BatonType.Of(whenFalse)]);
            return Value.Unknown(type).WithSensitivity(condition.IsSensitive || whenTrue.ContainsSensitive || whenFalse.ContainsSensitive);
        }

        if (!ValueConversions.TryBool(condition, out var chosen))
        {
            return Error(
                DiagnosticCodes.InvalidOperand,
                $"the condition of \"? :\" must be a bool, not {ValueConversions.KindAndValue(condition)}",
                conditional.Condition.Span);
        }

        return Evaluate(chosen ? conditional.TrueResult : conditional.FalseResult).WithSensitivity(condition.IsSensitive);
    }

    private Value EvaluateMap(MapExpression map)
    {
        var entries = new List<KeyValuePair<string, Value>>(map.Entries.Length);
        var sensitive = false;
        var valuesSensitive = false;
        var unknownKey = false;
        var failed = false;
        foreach (var entry in map.Entries)
        {
            var key = Evaluate(entry.Key);
            var value = Evaluate(entry.Value);
            sensitive |= key.IsSensitive;
            valuesSensitive |= value.ContainsSensitive;
            if (!key.IsKnown)
            {
                unknownKey = true;
            }
            else if (key.Kind is ValueKind.Null or ValueKind.List or ValueKind.Map)
            {
                failed = true;
                Error(DiagnosticCodes.InvalidOperand, $"a map key must be a string, not {ValueConversions.KindName(key)}", entry.Key.Span);
            }
            else
            {
                ValueConversions.TryText(key, out var text);
                entries.Add(new(text, value));
            }
        }

        if (failed)
        {
            return Value.UnknownAny;
        }

        if (unknownKey)
        {
            // Which keys exist is not known yet, so neither is the map.
            return Value.Unknown(BatonType.AnyMap).WithSensitivity(sensitive || valuesSensitive);
        }

        var result = Value.Map(entries);

        // A key given twice drops the earlier value; if that one was secret, keep the map marked rather than forget it.
        return result.WithSensitivity(sensitive || (valuesSensitive && !result.ContainsSensitive));
    }

    private Value Number(double number, SourceSpan span) =>
        double.IsFinite(number)
            ? Value.Number(number)
            : Error(DiagnosticCodes.NumberOutOfRange, "the result is too large to be a number", span);

    private Value Error(string code, string message, SourceSpan span, string? help = null)
    {
        _diagnostics.Error(code, message, span, help);
        return Value.UnknownAny;
    }
}
