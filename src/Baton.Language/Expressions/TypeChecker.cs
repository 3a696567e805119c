using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Baton.Diagnostics;
using Baton.Text;
using Baton.Values;

namespace Baton.Expressions;

/// <summary>
/// Infers the static type of an expression and reports only what must fail whatever the runtime values are: unknown
/// functions, wrong arities, and certain type mismatches (a list where a string is needed, <c>"abc" * 2</c>,
/// a map indexed by a number). References are typed by the caller; the validity of references is checked elsewhere.
/// The variables of a <c>%{ for }</c> are typed here, from the collection, and are never passed to the caller.
/// </summary>
public static class TypeChecker
{
    /// <summary>The type of <paramref name="expression"/>, with <paramref name="referenceType"/> giving the type of each whole reference (<c>any</c> when unknown).</summary>
    public static BatonType Infer(Expression expression, Func<Reference, BatonType> referenceType, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(referenceType);
        ArgumentNullException.ThrowIfNull(diagnostics);
        return new Checker(referenceType, diagnostics).Infer(expression).Type;
    }

    /// <summary>A static type, and the value when the expression is a constant (to reject <c>"abc" * 2</c> but accept <c>"5" * 2</c>).</summary>
    private readonly record struct Typed(BatonType Type, Value? Constant = null)
    {
        public static Typed Any => new(BatonType.Any);
    }

    private sealed class Checker(Func<Reference, BatonType> referenceType, DiagnosticBag diagnostics)
    {
        /// <summary>The loop variables in scope, innermost last.</summary>
        private readonly List<(string Name, BatonType Type)> _locals = [];

        public Typed Infer(Expression expression)
        {
            if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
            {
                return Typed.Any;
            }

            switch (expression)
            {
                case LiteralExpression literal:
                    return literal.Value.IsKnown ? new Typed(BatonType.Of(literal.Value), literal.Value) : Typed.Any;
                case TemplateExpression template:
                    Parts(template.Parts);
                    return new Typed(BatonType.String);
                case ForTemplateExpression loop:
                    For(loop);
                    return new Typed(BatonType.String);
                case IfTemplateExpression branch:
                    Require(Infer(branch.Condition), BatonType.Bool, branch.Condition.Span, "the condition of \"%{ if }\"");
                    Parts(branch.Then);
                    Parts(branch.Else);
                    return new Typed(BatonType.String);
                case VariableExpression variable:
                    return LocalType(variable.Name) is { } local
                        ? new Typed(local)
                        : new Typed(referenceType(new Reference(variable.Name, [], variable.Span) { RootSpan = variable.Span }));
                case GetAttrExpression getAttr:
                    return TypeOfReference(getAttr) ?? GetAttribute(getAttr);
                case IndexExpression index:
                    return TypeOfReference(index) ?? Index(index);
                case SplatExpression splat:
                    var target = Infer(splat.Target);
                    if (target.Type.Kind is not (TypeKind.Any or TypeKind.List or TypeKind.Null))
                    {
                        Mismatch($"[*] needs a list, not a {target.Type}", splat.Target.Span);
                    }

                    foreach (var step in splat.Steps.OfType<DynamicIndexTraversal>())
                    {
                        Infer(step.Key);
                    }

                    return new Typed(BatonType.AnyList);
                case FunctionCallExpression call:
                    return Call(call);
                case UnaryExpression unary:
                    var operand = Infer(unary.Operand);
                    if (unary.Operator == UnaryOperator.Not)
                    {
                        Require(operand, BatonType.Bool, unary.Operand.Span, "\"!\"");
                        return new Typed(BatonType.Bool);
                    }

                    Require(operand, BatonType.Number, unary.Operand.Span, "\"-\"");
                    return new Typed(BatonType.Number);
                case BinaryExpression binary:
                    return Binary(binary);
                case ConditionalExpression conditional:
                    Require(Infer(conditional.Condition), BatonType.Bool, conditional.Condition.Span, "the condition of \"? :\"");
                    var whenTrue = Infer(conditional.TrueResult);
                    var whenFalse = Infer(conditional.FalseResult);
                    return new Typed(BatonType.Common([whenTrue.Type, whenFalse.Type]));
                case ListExpression list:
                    return new Typed(BatonType.ListOf(BatonType.Common([.. list.Items.Select(i => Infer(i).Type)])));
                case MapExpression map:
                    var valueTypes = new List<BatonType>();
                    foreach (var entry in map.Entries)
                    {
                        var key = Infer(entry.Key);
                        if (key.Type.Kind is TypeKind.List or TypeKind.Map)
                        {
                            Mismatch($"a map key must be a string, not a {key.Type}", entry.Key.Span);
                        }

                        valueTypes.Add(Infer(entry.Value).Type);
                    }

                    return new Typed(BatonType.MapOf(BatonType.Common(valueTypes)));
                default:
                    return Typed.Any;
            }
        }

        private void Parts(ImmutableArray<Expression> parts)
        {
            foreach (var part in parts)
            {
                var typed = Infer(part);
                if (typed.Type.Kind is TypeKind.List or TypeKind.Map)
                {
                    Mismatch($"cannot interpolate a {typed.Type.Kind.ToString().ToLowerInvariant()} into a string", part.Span, "use join() or jsonencode()");
                }
            }
        }

        private void For(ForTemplateExpression loop)
        {
            var collection = Infer(loop.Collection).Type;
            var (keyType, valueType) = collection.Kind switch
            {
                TypeKind.List => (BatonType.Int, collection.Element!),
                TypeKind.Map => (BatonType.String, collection.Element!),
                _ => (BatonType.Any, BatonType.Any),
            };
            if (collection.Kind is TypeKind.String or TypeKind.Number or TypeKind.Int or TypeKind.Bool)
            {
                Mismatch($"\"%{{ for }}\" needs a list or a map, not a {collection}", loop.Collection.Span, collection.Kind == TypeKind.String ? "use split() to go over parts of a string" : null);
            }

            var before = _locals.Count;
            if (loop.KeyName is not null)
            {
                _locals.Add((loop.KeyName, keyType));
            }

            _locals.Add((loop.ValueName, valueType));
            try
            {
                Parts(loop.Body);
            }
            finally
            {
                _locals.RemoveRange(before, _locals.Count - before);
            }
        }

        private BatonType? LocalType(string name)
        {
            for (var i = _locals.Count - 1; i >= 0; i--)
            {
                if (_locals[i].Name == name)
                {
                    return _locals[i].Type;
                }
            }

            return null;
        }

        /// <summary>
        /// The type of a reference chain as the caller knows it; when the caller types it as <c>any</c>, the chain is
        /// typed step by step from its prefixes instead (<c>var.tags["env"]</c> from <c>var.tags</c>), which also checks its keys.
        /// </summary>
        private Typed? TypeOfReference(Expression expression)
        {
            if (!References.TryGetReference(expression, out var reference)
                || reference.Steps.Any(s => s is SplatTraversal)
                || LocalType(reference.Root) is not null)
            {
                return null;
            }

            var whole = referenceType(reference);
            var structural = expression is GetAttrExpression getAttr ? GetAttribute(getAttr) : Index((IndexExpression)expression);
            return whole.Kind == TypeKind.Any ? structural : new Typed(whole);
        }

        private Typed GetAttribute(GetAttrExpression getAttr)
        {
            var target = Infer(getAttr.Target);
            switch (target.Type.Kind)
            {
                case TypeKind.Map:
                    return new Typed(target.Type.Element!);
                case TypeKind.List:
                    Mismatch($"a list has no attribute \"{getAttr.Name}\"", getAttr.Span, $"use [*].{getAttr.Name} to take it of every element");
                    return Typed.Any;
                case TypeKind.String or TypeKind.Number or TypeKind.Int or TypeKind.Bool:
                    Mismatch($"a {target.Type} has no attribute \"{getAttr.Name}\"", getAttr.Span);
                    return Typed.Any;
                default:
                    return Typed.Any;
            }
        }

        private Typed Index(IndexExpression index)
        {
            var target = Infer(index.Target);
            var key = Infer(index.Key);
            switch (target.Type.Kind)
            {
                case TypeKind.Map:
                    if (key.Type.IsNumeric || key.Type.Kind is TypeKind.Bool or TypeKind.List or TypeKind.Map)
                    {
                        Mismatch($"a map key must be a string, not a {key.Type}", index.Key.Span, key.Constant is { Kind: ValueKind.Number } n ? $"write [\"{Value.FormatNumber(n.AsNumber())}\"]" : null);
                    }

                    return new Typed(target.Type.Element!);
                case TypeKind.List:
                    Require(key, BatonType.Number, index.Key.Span, "a list index");
                    return new Typed(target.Type.Element!);
                case TypeKind.String or TypeKind.Number or TypeKind.Int or TypeKind.Bool:
                    Mismatch($"a {target.Type} cannot be indexed", index.Key.Span);
                    return Typed.Any;
                default:
                    if (key.Type.Kind is TypeKind.List or TypeKind.Map)
                    {
                        Mismatch($"an index must be a number or a string, not a {key.Type}", index.Key.Span);
                    }

                    return Typed.Any;
            }
        }

        private Typed Call(FunctionCallExpression call)
        {
            var arguments = call.Arguments.Select(Infer).ToImmutableArray();
            if (!FunctionLibrary.TryGet(call.Name, out var function))
            {
                diagnostics.Error(
                    DiagnosticCodes.UnknownFunction,
                    $"there is no function \"{call.Name}\"",
                    call.NameSpan,
                    Suggestions.DidYouMean(call.Name, FunctionLibrary.Names));
                return Typed.Any;
            }

            var minimum = FunctionLibrary.MinimumArguments(function);
            var maximum = FunctionLibrary.MaximumArguments(function);
            if (arguments.Length < minimum || arguments.Length > maximum)
            {
                diagnostics.Error(DiagnosticCodes.WrongArity, EvaluationRun.ArityMessage(function, arguments.Length), call.Span, $"the signature is {function.Signature}");
                return new Typed(function.ReturnType);
            }

            for (var i = 0; i < arguments.Length; i++)
            {
                var parameter = FunctionLibrary.ParameterAt(function, i)!;
                Require(arguments[i], parameter.Type, call.Arguments[i].Span, $"{parameter.Name} of {function.Name}()");
            }

            return new Typed(function.ReturnType);
        }

        private Typed Binary(BinaryExpression binary)
        {
            var left = Infer(binary.Left);
            var right = Infer(binary.Right);
            var symbol = $"\"{Syntax.Symbol(binary.Operator)}\"";
            switch (binary.Operator)
            {
                case BinaryOperator.Equal or BinaryOperator.NotEqual:
                    return new Typed(BatonType.Bool);
                case BinaryOperator.And or BinaryOperator.Or:
                    Require(left, BatonType.Bool, binary.Left.Span, symbol);
                    Require(right, BatonType.Bool, binary.Right.Span, symbol);
                    return new Typed(BatonType.Bool);
                case BinaryOperator.Less or BinaryOperator.LessOrEqual or BinaryOperator.Greater or BinaryOperator.GreaterOrEqual:
                    Require(left, BatonType.Number, binary.Left.Span, symbol);
                    Require(right, BatonType.Number, binary.Right.Span, symbol);
                    return new Typed(BatonType.Bool);
                default:
                    var leftOk = Require(left, BatonType.Number, binary.Left.Span, symbol);
                    if (leftOk)
                    {
                        Require(right, BatonType.Number, binary.Right.Span, symbol);
                    }

                    return new Typed(BatonType.Number);
            }
        }

        /// <summary>Reports a mismatch when a value of <paramref name="actual"/> can never become <paramref name="expected"/>.</summary>
        private bool Require(Typed actual, BatonType expected, SourceSpan span, string what)
        {
            if (actual.Constant is { } constant && constant.Kind != ValueKind.Null)
            {
                if (!expected.TryConvert(constant.WithoutSensitivity(), out _, out _))
                {
                    Mismatch($"{what} needs {Article(expected)}, not {ValueConversions.KindAndValue(constant)}", span);
                    return false;
                }

                return true;
            }

            if (!expected.Accepts(actual.Type))
            {
                Mismatch($"{what} needs {Article(expected)}, not {Article(actual.Type)}", span);
                return false;
            }

            return true;
        }

        private static string Article(BatonType type) => type.Kind is TypeKind.Int ? $"an {type}" : $"a {type}";

        private void Mismatch(string message, SourceSpan span, string? help = null) =>
            diagnostics.Error(DiagnosticCodes.TypeMismatch, message, span, help);
    }
}
