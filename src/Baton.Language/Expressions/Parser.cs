using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Baton.Diagnostics;
using Baton.Text;
using Baton.Values;

namespace Baton.Expressions;

/// <summary>
/// A recursive-descent parser that lexes on demand: string literals and templates are read character by character
/// by the parser itself, because an interpolation inside them is a nested expression. After the first error of an
/// expression the parser is in panic mode: it reports nothing more, every loop stops, and the whole expression
/// becomes an unknown literal, so one typo yields one diagnostic.
/// </summary>
internal sealed partial class Parser
{
    private readonly string _text;
    private readonly TextOrigin _origin;
    private readonly DiagnosticBag _diagnostics;
    private int _position;
    private Token? _peeked;
    private int _lastEnd;
    private int _depth;
    private bool _panic;

    public Parser(string text, TextOrigin origin, DiagnosticBag diagnostics)
    {
        _text = text;
        _origin = origin;
        _diagnostics = diagnostics;
    }

    public Expression ParseWholeExpression()
    {
        var expression = ParseExpression();
        if (!_panic)
        {
            var next = Peek();
            if (next.Kind != TokenKind.End)
            {
                Error(DiagnosticCodes.ExpressionSyntax, $"unexpected {Describe(next)} after the end of the expression", next, HelpFor(next));
            }
        }

        return Finish(expression, 0, _text.Length);
    }

    /// <summary>Keeps a tree within the depth every consumer can walk recursively.</summary>
    private Expression Finish(Expression expression, int start, int end)
    {
        if (_panic)
        {
            return ErrorNode(start, end);
        }

        if (Syntax.IsDeeperThan(expression, Syntax.MaxDepth))
        {
            Error(DiagnosticCodes.ExpressionSyntax, $"expression nested too deeply (more than {Syntax.MaxDepth} levels)", SpanOf(start, end));
            return ErrorNode(start, end);
        }

        return expression;
    }

    private Expression ParseExpression()
    {
        var start = Peek().Start;
        if (!Enter(start))
        {
            return ErrorNode(start, start);
        }

        try
        {
            var condition = ParseBinary(0);
            if (_panic || Peek().Kind != TokenKind.Question)
            {
                return condition;
            }

            var question = Advance();
            var whenTrue = ParseExpression();
            if (_panic)
            {
                return whenTrue;
            }

            if (Peek().Kind != TokenKind.Colon)
            {
                Error(
                    DiagnosticCodes.ExpressionSyntax,
                    $"expected \":\" of the conditional whose \"?\" is at {_origin.PositionOf(question.Start)}, found {Describe(Peek())}",
                    Peek());
                return whenTrue;
            }

            Advance();
            var whenFalse = ParseExpression();
            return new ConditionalExpression(condition, whenTrue, whenFalse) { Span = SpanOf(start, _lastEnd) };
        }
        finally
        {
            _depth--;
        }
    }

    private Expression ParseBinary(int minimumPrecedence)
    {
        var start = Peek().Start;
        var left = ParseUnary();
        while (!_panic && BinaryOf(Peek().Kind) is { } op && Syntax.Precedence(op) >= minimumPrecedence)
        {
            Advance();
            var right = ParseBinary(Syntax.Precedence(op) + 1);
            left = new BinaryExpression(op, left, right) { Span = SpanOf(start, _lastEnd) };
        }

        return left;
    }

    private Expression ParseUnary()
    {
        var token = Peek();
        if (token.Kind is not (TokenKind.Bang or TokenKind.Minus))
        {
            return ParsePostfix();
        }

        if (!Enter(token.Start))
        {
            return ErrorNode(token.Start, token.End);
        }

        try
        {
            Advance();
            var numberFollows = token.Kind == TokenKind.Minus && Peek().Kind == TokenKind.Number;
            var operand = ParseUnary();
            if (numberFollows && operand is LiteralExpression { Value.Kind: ValueKind.Number } literal)
            {
                // "-5" is a negative literal, so that printing a negative constant reads back as the same tree.
                return Literal(Value.Number(-literal.Value.AsNumber()), token.Start, _lastEnd);
            }

            var op = token.Kind == TokenKind.Bang ? UnaryOperator.Not : UnaryOperator.Negate;
            return new UnaryExpression(op, operand) { Span = SpanOf(token.Start, _lastEnd) };
        }
        finally
        {
            _depth--;
        }
    }

    private Expression ParsePostfix()
    {
        var start = Peek().Start;
        var expression = ParsePrimary();
        while (!_panic)
        {
            var token = Peek();
            if (token.Kind == TokenKind.Dot)
            {
                Advance();
                if (ParseAttributeName() is not { } name)
                {
                    return expression;
                }

                expression = new GetAttrExpression(expression, name) { Span = SpanOf(start, _lastEnd) };
            }
            else if (token.Kind == TokenKind.LeftBracket)
            {
                if (PeekSecond().Kind == TokenKind.Star)
                {
                    expression = ParseSplat(expression, start);
                }
                else
                {
                    Advance();
                    var key = ParseBracketKey(token);
                    expression = new IndexExpression(expression, key) { Span = SpanOf(start, _lastEnd) };
                }
            }
            else
            {
                break;
            }
        }

        return expression;
    }

    private string? ParseAttributeName()
    {
        var token = Peek();
        if (token.Kind == TokenKind.Identifier)
        {
            Advance();
            return Text(token);
        }

        if (token.Kind == TokenKind.Number)
        {
            Error(
                DiagnosticCodes.ExpressionSyntax,
                $"a number cannot follow \".\"",
                token,
                $"use [{Text(token)}] to index a list");
        }
        else if (token.Kind == TokenKind.Star)
        {
            Error(DiagnosticCodes.ExpressionSyntax, "\".*\" is not supported", token, "use [*] to take an attribute of every element");
        }
        else
        {
            Error(DiagnosticCodes.ExpressionSyntax, $"expected an attribute name after \".\", found {Describe(token)}", token);
        }

        return null;
    }

    /// <summary>Parses the key of <c>[key]</c> after the opening bracket, and the closing bracket.</summary>
    private Expression ParseBracketKey(Token open)
    {
        var key = ParseExpression();
        if (!_panic)
        {
            Expect(TokenKind.RightBracket, $"expected \"]\" to close the index opened at {_origin.PositionOf(open.Start)}");
        }

        return key;
    }

    private Expression ParseSplat(Expression target, int start)
    {
        var open = Advance();
        Advance();
        if (!Expect(TokenKind.RightBracket, $"expected \"]\" to close the \"[*\" opened at {_origin.PositionOf(open.Start)}"))
        {
            return target;
        }

        var steps = ImmutableArray.CreateBuilder<Traversal>();
        while (!_panic)
        {
            var token = Peek();
            if (token.Kind == TokenKind.Dot)
            {
                Advance();
                if (ParseAttributeName() is { } name)
                {
                    steps.Add(new AttributeTraversal(name));
                }
            }
            else if (token.Kind == TokenKind.LeftBracket && PeekSecond().Kind != TokenKind.Star)
            {
                Advance();
                var key = ParseBracketKey(token);
                steps.Add(key is LiteralExpression { Value.Kind: ValueKind.String or ValueKind.Number or ValueKind.Bool } literal
                    ? new IndexTraversal(literal.Value)
                    : new DynamicIndexTraversal(key));
            }
            else
            {
                break;
            }
        }

        return new SplatExpression(target, steps.ToImmutable()) { Span = SpanOf(start, _lastEnd) };
    }

    private Expression ParsePrimary()
    {
        var token = Peek();
        switch (token.Kind)
        {
            case TokenKind.Number:
                Advance();
                return ParseNumber(token);
            case TokenKind.Quote:
                return ParseStringLiteral(token.Start);
            case TokenKind.Identifier:
                Advance();
                var name = Text(token);
                switch (name)
                {
                    case "true":
                        return Literal(Value.True, token.Start, token.End);
                    case "false":
                        return Literal(Value.False, token.Start, token.End);
                    case "null":
                        return Literal(Value.Null, token.Start, token.End);
                    default:
                        break;
                }

                if (Peek().Kind == TokenKind.LeftParen)
                {
                    return ParseCall(token, name);
                }

                return new VariableExpression(name) { Span = SpanOf(token.Start, token.End) };
            case TokenKind.LeftParen:
                Advance();
                var inner = ParseExpression();
                if (!_panic)
                {
                    Expect(TokenKind.RightParen, $"expected \")\" to close the \"(\" opened at {_origin.PositionOf(token.Start)}");
                }

                return inner;
            case TokenKind.LeftBracket:
                return ParseList();
            case TokenKind.LeftBrace:
                return ParseMap();
            case TokenKind.End:
                Error(DiagnosticCodes.ExpressionSyntax, "expected an expression, but the text ended", token);
                return ErrorNode(token.Start, token.End);
            default:
                Error(DiagnosticCodes.ExpressionSyntax, $"unexpected {Describe(token)}; expected an expression", token, HelpFor(token));
                return ErrorNode(token.Start, token.End);
        }
    }

    private string? HelpFor(Token token) => Text(token) switch
    {
        "&" => "use \"&&\" for \"and\"",
        "|" => "use \"||\" for \"or\"",
        "=" => "use \"==\" to compare",
        "'" => "strings are written in double quotes",
        _ => null,
    };

    private LiteralExpression ParseNumber(Token token)
    {
        var text = Text(token);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            Error(DiagnosticCodes.ExpressionSyntax, $"malformed number \"{text}\"", token, "write numbers as 12, 1.5 or 1e6");
            return ErrorNode(token.Start, token.End);
        }

        if (!double.IsFinite(number))
        {
            Error(DiagnosticCodes.NumberOutOfRange, $"the number {text} is too large", token);
            return ErrorNode(token.Start, token.End);
        }

        return Literal(Value.Number(number), token.Start, token.End);
    }

    private FunctionCallExpression ParseCall(Token nameToken, string name)
    {
        var open = Advance();
        var arguments = ParseSequence(
            TokenKind.RightParen,
            $"expected \")\" to close the call of \"{name}\" opened at {_origin.PositionOf(open.Start)}");
        return new FunctionCallExpression(name, arguments, SpanOf(nameToken.Start, nameToken.End)) { Span = SpanOf(nameToken.Start, _lastEnd) };
    }

    private ListExpression ParseList()
    {
        var open = Advance();
        var items = ParseSequence(TokenKind.RightBracket, $"expected \"]\" to close the list opened at {_origin.PositionOf(open.Start)}");
        return new ListExpression(items) { Span = SpanOf(open.Start, _lastEnd) };
    }

    /// <summary>Parses comma-separated expressions up to <paramref name="close"/>; a trailing comma is allowed.</summary>
    private ImmutableArray<Expression> ParseSequence(TokenKind close, string unclosedMessage)
    {
        var items = ImmutableArray.CreateBuilder<Expression>();
        while (!_panic && Peek().Kind != close)
        {
            if (Peek().Kind == TokenKind.End)
            {
                break;
            }

            items.Add(ParseExpression());
            if (_panic || Peek().Kind != TokenKind.Comma)
            {
                break;
            }

            Advance();
        }

        if (!_panic)
        {
            Expect(close, unclosedMessage);
        }

        return items.ToImmutable();
    }

    private MapExpression ParseMap()
    {
        var open = Advance();
        var entries = ImmutableArray.CreateBuilder<MapEntry>();
        while (!_panic && Peek().Kind is not (TokenKind.RightBrace or TokenKind.End))
        {
            var key = ParseMapKey();
            if (_panic)
            {
                break;
            }

            if (Peek().Kind is not (TokenKind.Assign or TokenKind.Colon))
            {
                Error(DiagnosticCodes.ExpressionSyntax, $"expected \"=\" or \":\" after the map key, found {Describe(Peek())}", Peek());
                break;
            }

            Advance();
            var value = ParseExpression();
            entries.Add(new MapEntry(key, value));
            if (_panic || Peek().Kind != TokenKind.Comma)
            {
                break;
            }

            Advance();
        }

        if (!_panic)
        {
            Expect(TokenKind.RightBrace, $"expected \"}}\" to close the map opened at {_origin.PositionOf(open.Start)}");
        }

        return new MapExpression(entries.ToImmutable()) { Span = SpanOf(open.Start, _lastEnd) };
    }

    private Expression ParseMapKey()
    {
        var token = Peek();
        switch (token.Kind)
        {
            case TokenKind.Identifier:
                Advance();
                return Literal(Value.String(Text(token)), token.Start, token.End);
            case TokenKind.Quote:
                return ParseStringLiteral(token.Start);
            case TokenKind.LeftParen:
                Advance();
                var key = ParseExpression();
                if (!_panic)
                {
                    Expect(TokenKind.RightParen, $"expected \")\" to close the \"(\" opened at {_origin.PositionOf(token.Start)}");
                }

                return key;
            default:
                Error(
                    DiagnosticCodes.ExpressionSyntax,
                    $"expected a map key, found {Describe(token)}",
                    token,
                    "a key is a name, a string, or an expression in parentheses such as (var.key)");
                return ErrorNode(token.Start, token.End);
        }
    }

    private bool ReadEscape(int backslash, StringBuilder literal, out int length)
    {
        length = 2;
        var next = backslash + 1 < _text.Length ? _text[backslash + 1] : '\0';
        switch (next)
        {
            case '"': literal.Append('"'); return true;
            case '\\': literal.Append('\\'); return true;
            case 'n': literal.Append('\n'); return true;
            case 'r': literal.Append('\r'); return true;
            case 't': literal.Append('\t'); return true;
            case 'u':
                if (backslash + 6 <= _text.Length
                    && int.TryParse(_text.AsSpan(backslash + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                {
                    literal.Append((char)code);
                    length = 6;
                    return true;
                }

                Error(
                    DiagnosticCodes.BadStringLiteral,
                    "\"\\u\" must be followed by four hexadecimal digits",
                    SpanOf(backslash, Math.Min(_text.Length, backslash + 6)),
                    "write a character as \\u00e9");
                return false;
            default:
                var shown = next == '\0' ? string.Empty : next.ToString();
                Error(
                    DiagnosticCodes.BadStringLiteral,
                    $"unknown escape \"\\{shown}\" in a string",
                    SpanOf(backslash, Math.Min(_text.Length, backslash + 2)),
                    "the escapes are \\\" \\\\ \\n \\r \\t \\uXXXX; write \\\\ for a backslash");
                return false;
        }
    }

    /// <summary>Finds the end of a broken interpolation: just past its closing brace, skipping nested braces and strings.</summary>
    private int SkipToClosingBrace(int from)
    {
        var depth = 0;
        var i = from;
        while (i < _text.Length)
        {
            var c = _text[i];
            if (c == '"')
            {
                i++;
                while (i < _text.Length && _text[i] is not ('"' or '\n'))
                {
                    i += _text[i] == '\\' ? 2 : 1;
                }
            }
            else if (c == '{')
            {
                depth++;
            }
            else if (c == '}')
            {
                if (depth == 0)
                {
                    return i + 1;
                }

                depth--;
            }

            i++;
        }

        return _text.Length;
    }

    private bool Enter(int offset)
    {
        if (_depth >= Syntax.MaxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            Error(
                DiagnosticCodes.ExpressionSyntax,
                $"expression nested too deeply (more than {Syntax.MaxDepth} levels)",
                SpanOf(offset, offset + 1));
            return false;
        }

        _depth++;
        return true;
    }

    private bool Expect(TokenKind kind, string message)
    {
        var token = Peek();
        if (token.Kind == kind)
        {
            Advance();
            return true;
        }

        Error(DiagnosticCodes.ExpressionSyntax, $"{message}, found {Describe(token)}", token);
        return false;
    }

    private static BinaryOperator? BinaryOf(TokenKind kind) => kind switch
    {
        TokenKind.OrOr => BinaryOperator.Or,
        TokenKind.AndAnd => BinaryOperator.And,
        TokenKind.EqualEqual => BinaryOperator.Equal,
        TokenKind.BangEqual => BinaryOperator.NotEqual,
        TokenKind.Less => BinaryOperator.Less,
        TokenKind.LessEqual => BinaryOperator.LessOrEqual,
        TokenKind.Greater => BinaryOperator.Greater,
        TokenKind.GreaterEqual => BinaryOperator.GreaterOrEqual,
        TokenKind.Plus => BinaryOperator.Add,
        TokenKind.Minus => BinaryOperator.Subtract,
        TokenKind.Star => BinaryOperator.Multiply,
        TokenKind.Slash => BinaryOperator.Divide,
        TokenKind.Percent => BinaryOperator.Modulo,
        _ => null,
    };

    private void Error(string code, string message, Token token, string? help = null) =>
        Error(code, message, SpanOf(token.Start, token.End), help);

    private void Error(string code, string message, SourceSpan span, string? help = null)
    {
        if (_panic)
        {
            return;
        }

        _panic = true;
        _diagnostics.Error(code, message, span, help);
    }

    private string Describe(Token token) => token.Kind switch
    {
        TokenKind.End => "the end of the text",
        TokenKind.Quote => "a string",
        TokenKind.Number => $"the number {Text(token)}",
        _ => $"\"{Text(token)}\"",
    };

    private LiteralExpression Literal(Value value, int start, int end) => new(value) { Span = SpanOf(start, end) };

    private LiteralExpression ErrorNode(int start, int end) => Literal(Value.UnknownAny, start, end);

    private SourceSpan SpanOf(int start, int end) => _origin.SpanOf(start, end);

    private string Text(Token token) => _text[token.Start..token.End];

    private bool StartsWith(int offset, string prefix) =>
        offset + prefix.Length <= _text.Length && _text.AsSpan(offset, prefix.Length).SequenceEqual(prefix);

    private void SetPosition(int offset)
    {
        _position = offset;
        _peeked = null;
    }

    private Token Peek() => _peeked ??= Lex(_position);

    private Token PeekSecond() => Lex(Peek().End);

    private Token Advance()
    {
        var token = Peek();
        _position = token.End;
        _lastEnd = token.End;
        _peeked = null;
        return token;
    }

    private Token Lex(int offset)
    {
        var i = offset;
        while (i < _text.Length && _text[i] is ' ' or '\t' or '\n' or '\r')
        {
            i++;
        }

        if (i >= _text.Length)
        {
            return new Token(TokenKind.End, _text.Length, _text.Length);
        }

        var c = _text[i];
        var next = i + 1 < _text.Length ? _text[i + 1] : '\0';
        if (Syntax.IsIdentifierStart(c))
        {
            var end = i + 1;
            while (end < _text.Length
                && (Syntax.IsIdentifierPart(_text[end])
                    || (_text[end] == '-' && end + 1 < _text.Length && Syntax.IsIdentifierPart(_text[end + 1]))))
            {
                end++;
            }

            return new Token(TokenKind.Identifier, i, end);
        }

        if (char.IsAsciiDigit(c))
        {
            return LexNumber(i);
        }

        (TokenKind Kind, int Length) simple = (c, next) switch
        {
            ('=', '=') => (TokenKind.EqualEqual, 2),
            ('!', '=') => (TokenKind.BangEqual, 2),
            ('<', '=') => (TokenKind.LessEqual, 2),
            ('>', '=') => (TokenKind.GreaterEqual, 2),
            ('&', '&') => (TokenKind.AndAnd, 2),
            ('|', '|') => (TokenKind.OrOr, 2),
            ('=', _) => (TokenKind.Assign, 1),
            ('!', _) => (TokenKind.Bang, 1),
            ('<', _) => (TokenKind.Less, 1),
            ('>', _) => (TokenKind.Greater, 1),
            ('"', _) => (TokenKind.Quote, 1),
            ('(', _) => (TokenKind.LeftParen, 1),
            (')', _) => (TokenKind.RightParen, 1),
            ('[', _) => (TokenKind.LeftBracket, 1),
            (']', _) => (TokenKind.RightBracket, 1),
            ('{', _) => (TokenKind.LeftBrace, 1),
            ('}', _) => (TokenKind.RightBrace, 1),
            (',', _) => (TokenKind.Comma, 1),
            ('.', _) => (TokenKind.Dot, 1),
            ('?', _) => (TokenKind.Question, 1),
            (':', _) => (TokenKind.Colon, 1),
            ('+', _) => (TokenKind.Plus, 1),
            ('-', _) => (TokenKind.Minus, 1),
            ('*', _) => (TokenKind.Star, 1),
            ('/', _) => (TokenKind.Slash, 1),
            ('%', _) => (TokenKind.Percent, 1),
            _ => (TokenKind.Invalid, char.IsHighSurrogate(c) && char.IsLowSurrogate(next) ? 2 : 1),
        };
        return new Token(simple.Kind, i, i + simple.Length);
    }

    /// <summary>Digits, an optional fraction, an optional exponent; malformed exponents are kept in the token and reported on parse.</summary>
    private Token LexNumber(int start)
    {
        var i = start;
        while (i < _text.Length && char.IsAsciiDigit(_text[i]))
        {
            i++;
        }

        if (i + 1 < _text.Length && _text[i] == '.' && char.IsAsciiDigit(_text[i + 1]))
        {
            i++;
            while (i < _text.Length && char.IsAsciiDigit(_text[i]))
            {
                i++;
            }
        }

        if (i < _text.Length && _text[i] is 'e' or 'E')
        {
            var j = i + 1;
            if (j < _text.Length && _text[j] is '+' or '-')
            {
                j++;
            }

            if (j < _text.Length && char.IsAsciiDigit(_text[j]))
            {
                while (j < _text.Length && char.IsAsciiDigit(_text[j]))
                {
                    j++;
                }

                i = j;
            }
            else
            {
                // "1e" or "1ex": keep the letter so the parse reports a malformed number instead of a stray name.
                i = j;
            }
        }

        return new Token(TokenKind.Number, start, i);
    }
}
