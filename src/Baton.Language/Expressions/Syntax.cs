namespace Baton.Expressions;

/// <summary>Lexical rules shared by the parser and the printer, so that what one prints the other reads.</summary>
internal static class Syntax
{
    /// <summary>How deeply expressions may nest, in the parser and in the trees it returns.</summary>
    public const int MaxDepth = 256;

    public static bool IsIdentifierStart(char c) => char.IsLetter(c) || c == '_';

    public static bool IsIdentifierPart(char c) => char.IsLetterOrDigit(c) || c == '_';

    /// <summary>
    /// Whether <paramref name="text"/> lexes as one identifier. A hyphen belongs to an identifier only when an identifier
    /// character follows it, so <c>a-b</c> is one name while <c>a - b</c> and <c>a -b</c> are subtractions.
    /// </summary>
    public static bool IsIdentifier(string text)
    {
        if (text.Length == 0 || !IsIdentifierStart(text[0]))
        {
            return false;
        }

        for (var i = 1; i < text.Length; i++)
        {
            var c = text[i];
            if (IsIdentifierPart(c))
            {
                continue;
            }

            if (c == '-' && i + 1 < text.Length && IsIdentifierPart(text[i + 1]))
            {
                continue;
            }

            return false;
        }

        return true;
    }

    public static bool IsKeyword(string text) => text is "true" or "false" or "null";

    /// <summary>Whether the node is a template directive, <c>%{ for }</c> or <c>%{ if }</c>, which only a template's parts hold.</summary>
    public static bool IsDirective(Expression expression) => expression is ForTemplateExpression or IfTemplateExpression;

    /// <summary>Binding strength of an operator; higher binds tighter.</summary>
    public static int Precedence(BinaryOperator op) => op switch
    {
        BinaryOperator.Or => 2,
        BinaryOperator.And => 3,
        BinaryOperator.Equal or BinaryOperator.NotEqual => 4,
        BinaryOperator.Less or BinaryOperator.LessOrEqual or BinaryOperator.Greater or BinaryOperator.GreaterOrEqual => 5,
        BinaryOperator.Add or BinaryOperator.Subtract => 6,
        _ => 7,
    };

    public const int ConditionalPrecedence = 1;
    public const int UnaryPrecedence = 8;
    public const int PostfixPrecedence = 9;
    public const int PrimaryPrecedence = 10;

    public static string Symbol(BinaryOperator op) => op switch
    {
        BinaryOperator.Or => "||",
        BinaryOperator.And => "&&",
        BinaryOperator.Equal => "==",
        BinaryOperator.NotEqual => "!=",
        BinaryOperator.Less => "<",
        BinaryOperator.LessOrEqual => "<=",
        BinaryOperator.Greater => ">",
        BinaryOperator.GreaterOrEqual => ">=",
        BinaryOperator.Add => "+",
        BinaryOperator.Subtract => "-",
        BinaryOperator.Multiply => "*",
        BinaryOperator.Divide => "/",
        _ => "%",
    };

    public static string Symbol(UnaryOperator op) => op == UnaryOperator.Not ? "!" : "-";

    /// <summary>The direct children of a node, for walks that must not recurse.</summary>
    public static IEnumerable<Expression> Children(Expression expression)
    {
        switch (expression)
        {
            case TemplateExpression t:
                return t.Parts;
            case ForTemplateExpression f:
                return [f.Collection, .. f.Body];
            case IfTemplateExpression i:
                return [i.Condition, .. i.Then, .. i.Else];
            case GetAttrExpression g:
                return [g.Target];
            case IndexExpression i:
                return [i.Target, i.Key];
            case SplatExpression s:
                return [s.Target, .. s.Steps.OfType<DynamicIndexTraversal>().Select(d => d.Key)];
            case FunctionCallExpression f:
                return f.Arguments;
            case UnaryExpression u:
                return [u.Operand];
            case BinaryExpression b:
                return [b.Left, b.Right];
            case ConditionalExpression c:
                return [c.Condition, c.TrueResult, c.FalseResult];
            case ListExpression l:
                return l.Items;
            case MapExpression m:
                return m.Entries.SelectMany(e => new[] { e.Key, e.Value });
            default:
                return [];
        }
    }

    /// <summary>Whether the tree is deeper than <paramref name="limit"/>, measured without recursion.</summary>
    public static bool IsDeeperThan(Expression root, int limit)
    {
        var stack = new Stack<(Expression Node, int Depth)>();
        stack.Push((root, 1));
        while (stack.Count > 0)
        {
            var (node, depth) = stack.Pop();
            if (depth > limit)
            {
                return true;
            }

            foreach (var child in Children(node))
            {
                stack.Push((child, depth + 1));
            }
        }

        return false;
    }
}
