using System.Collections.Immutable;
using System.Text;
using Baton.Diagnostics;
using Baton.Values;

namespace Baton.Expressions;

/// <summary>
/// Templates: YAML string values and double-quoted strings. Both are read in two passes: first into a flat list of
/// pieces (text, <c>${…}</c> interpolations, <c>%{…}</c> directives), where the strip markers <c>~</c> trim the text
/// next to them as in Terraform; then the directives are matched up into <see cref="ForTemplateExpression"/> and
/// <see cref="IfTemplateExpression"/> nodes, with an explicit stack, so nesting costs no recursion.
/// </summary>
internal sealed partial class Parser
{
    private const string DirectivesHelp =
        "the directives are %{ for x in list }, %{ for k, v in map }, %{ if cond }, %{ else }, %{ endfor } and %{ endif }; write \"%%{\" for a literal \"%{\"";

    private const string ForHelp = "write %{ for item in list }, %{ for i, item in list } or %{ for key, value in map }";

    private enum PieceKind
    {
        Text,
        Interpolation,
        Broken,
        For,
        If,
        Else,
        EndIf,
        EndFor,
    }

    public Expression ParseTemplateText()
    {
        var errorsBefore = _diagnostics.ErrorCount;
        var pieces = ReadTemplatePieces(0, quoted: false, out _)!;
        _panic = false;
        if (BuildTemplate(pieces, report: _diagnostics.ErrorCount == errorsBefore) is not { } parts)
        {
            _panic = false;
            return ErrorNode(0, _text.Length);
        }

        if (parts.IsEmpty)
        {
            return Literal(Value.EmptyString, 0, _text.Length);
        }

        // Plain text, or one interpolation and nothing else: the part itself, so "${var.replicas}" stays a number.
        if (parts.Length == 1 && !Syntax.IsDirective(parts[0]))
        {
            return parts[0];
        }

        var template = Finish(new TemplateExpression(parts) { Span = SpanOf(0, _text.Length) }, 0, _text.Length);
        _panic = false;
        return template;
    }

    /// <summary>Reads a double-quoted string literal, with escapes, nested interpolations and directives, starting at its quote.</summary>
    private Expression ParseStringLiteral(int quote)
    {
        _peeked = null;
        if (ReadTemplatePieces(quote + 1, quoted: true, out var end) is not { } pieces)
        {
            return ErrorNode(quote, Math.Max(quote + 1, Math.Min(_lastEnd, _text.Length)));
        }

        SetPosition(end);
        _lastEnd = end;
        if (pieces.TrueForAll(p => p.Kind == PieceKind.Text))
        {
            return Literal(Value.String(string.Concat(pieces.Select(p => p.Text))), quote, end);
        }

        if (BuildTemplate(pieces, report: true) is not { } parts)
        {
            return ErrorNode(quote, end);
        }

        return new TemplateExpression(parts) { Span = SpanOf(quote, end) };
    }

    /// <summary>
    /// Reads template pieces from <paramref name="start"/> to the end of the text or, when <paramref name="quoted"/>,
    /// to the closing quote, and sets <paramref name="end"/> just past it. Text pieces hold the text with escapes
    /// resolved. Unquoted, a broken interpolation or directive is reported, becomes a broken piece, and reading goes
    /// on after its closing brace; quoted, the first error ends the whole expression, and the result is null.
    /// </summary>
    private List<TemplatePiece>? ReadTemplatePieces(int start, bool quoted, out int end)
    {
        var pieces = new List<TemplatePiece>();
        var literal = new StringBuilder();
        var literalStart = start;
        var i = start;
        end = start;
        while (true)
        {
            if (quoted)
            {
                if (i >= _text.Length || _text[i] is '\n' or '\r')
                {
                    Error(
                        DiagnosticCodes.BadStringLiteral,
                        "string literal is not closed",
                        SpanOf(start - 1, start),
                        i >= _text.Length ? "add a closing \"" : "add a closing \" before the end of the line; write \\n for a line break");
                    SetPosition(i);
                    return null;
                }

                if (_text[i] == '"')
                {
                    break;
                }

                if (_text[i] == '\\')
                {
                    if (!ReadEscape(i, literal, out var length))
                    {
                        SetPosition(i);
                        return null;
                    }

                    i += length;
                    continue;
                }
            }
            else if (i >= _text.Length)
            {
                break;
            }

            if (StartsWith(i, "$${") || StartsWith(i, "%%{"))
            {
                literal.Append(_text[i]).Append('{');
                i += 3;
            }
            else if (StartsWith(i, "${") || StartsWith(i, "%{"))
            {
                AddText(pieces, literal, literalStart, i);
                var piece = _text[i] == '$' ? ReadInterpolation(i, quoted) : ReadDirective(i, quoted);
                if (piece is null)
                {
                    return null;
                }

                pieces.Add(piece);
                i = piece.End;
                literalStart = i;
            }
            else
            {
                literal.Append(_text[i]);
                i++;
            }
        }

        AddText(pieces, literal, literalStart, i);
        end = quoted ? i + 1 : i;
        return pieces;
    }

    private static void AddText(List<TemplatePiece> pieces, StringBuilder literal, int start, int end)
    {
        if (literal.Length > 0)
        {
            pieces.Add(new TemplatePiece(PieceKind.Text, start, end) { Text = literal.ToString() });
            literal.Clear();
        }
    }

    /// <summary>Reads <c>${ expr }</c> (or <c>${~ expr ~}</c>) at <paramref name="open"/>.</summary>
    private TemplatePiece? ReadInterpolation(int open, bool quoted)
    {
        var stripBefore = StartsWith(open + 2, "~");
        if (!quoted)
        {
            _panic = false;
        }

        SetPosition(open + (stripBefore ? 3 : 2));
        var expression = ParseExpression();
        if (!_panic && ReadClose(open, "${", out var stripAfter))
        {
            var end = _position;
            return new TemplatePiece(PieceKind.Interpolation, open, end)
            {
                Expression = quoted ? expression : Finish(expression, open, end),
                StripBefore = stripBefore,
                StripAfter = stripAfter,
            };
        }

        return Broken(open, quoted, PieceKind.Broken);
    }

    /// <summary>Reads a directive <c>%{ keyword … }</c> (or <c>%{~ … ~}</c>) at <paramref name="open"/>.</summary>
    private TemplatePiece? ReadDirective(int open, bool quoted)
    {
        var stripBefore = StartsWith(open + 2, "~");
        if (!quoted)
        {
            _panic = false;
        }

        SetPosition(open + (stripBefore ? 3 : 2));
        var keyword = Peek();
        var kind = keyword.Kind != TokenKind.Identifier ? PieceKind.Broken : Text(keyword) switch
        {
            "for" => PieceKind.For,
            "if" => PieceKind.If,
            "else" => PieceKind.Else,
            "endif" => PieceKind.EndIf,
            "endfor" => PieceKind.EndFor,
            _ => PieceKind.Broken,
        };
        if (kind == PieceKind.Broken)
        {
            Error(
                DiagnosticCodes.InvalidTemplateDirective,
                keyword.Kind switch
                {
                    TokenKind.End => "expected a directive after \"%{\", but the text ended",
                    TokenKind.Identifier => $"unknown template directive \"{Text(keyword)}\"",
                    _ => $"expected a directive after \"%{{\", found {Describe(keyword)}",
                },
                keyword,
                DirectivesHelp);
            return Broken(open, quoted, PieceKind.Broken);
        }

        Advance();
        string? keyName = null;
        var valueName = "_";
        Expression? expression = kind switch
        {
            PieceKind.For => ReadForHeader(out keyName, out valueName),
            PieceKind.If => ParseExpression(),
            _ => null,
        };
        if (!_panic && ReadClose(open, "%{", out var stripAfter))
        {
            var end = _position;
            return new TemplatePiece(kind, open, end)
            {
                Expression = expression is null || quoted ? expression : Finish(expression, open, end),
                KeyName = keyName,
                ValueName = valueName,
                StripBefore = stripBefore,
                StripAfter = stripAfter,
            };
        }

        // A broken "%{ for …" still opens a loop, so that its "%{ endfor }" is not reported as well.
        return Broken(open, quoted, kind);
    }

    /// <summary>Reads <c>name in collection</c> or <c>key, value in collection</c> after <c>for</c>.</summary>
    private Expression ReadForHeader(out string? keyName, out string valueName)
    {
        keyName = null;
        valueName = "_";
        if (!ReadLoopName(out var first))
        {
            return ErrorNode(_lastEnd, _lastEnd);
        }

        Token? secondToken = null;
        if (Peek().Kind == TokenKind.Comma)
        {
            Advance();
            secondToken = Peek();
            if (!ReadLoopName(out _))
            {
                return ErrorNode(_lastEnd, _lastEnd);
            }
        }

        var inToken = Peek();
        if (inToken.Kind != TokenKind.Identifier || Text(inToken) != "in")
        {
            Error(DiagnosticCodes.InvalidTemplateDirective, $"expected \"in\" after the loop variable of \"%{{ for }}\", found {Describe(inToken)}", inToken, ForHelp);
            return ErrorNode(inToken.Start, inToken.End);
        }

        Advance();
        if (secondToken is { } second)
        {
            var secondName = Text(second);
            if (secondName == first)
            {
                Error(
                    DiagnosticCodes.InvalidTemplateDirective,
                    $"the key and the value of a \"%{{ for }}\" cannot both be named \"{first}\"",
                    second,
                    ForHelp);
                return ErrorNode(second.Start, second.End);
            }

            keyName = first;
            valueName = secondName;
        }
        else
        {
            valueName = first;
        }

        return ParseExpression();
    }

    private bool ReadLoopName(out string name)
    {
        var token = Peek();
        name = token.Kind == TokenKind.Identifier ? Text(token) : "_";
        if (token.Kind == TokenKind.Identifier && !Syntax.IsKeyword(name))
        {
            Advance();
            return true;
        }

        Error(
            DiagnosticCodes.InvalidTemplateDirective,
            token.Kind == TokenKind.Identifier
                ? $"\"{name}\" cannot name a loop variable"
                : $"expected the name of a loop variable after \"%{{ for\", found {Describe(token)}",
            token,
            ForHelp);
        return false;
    }

    /// <summary>Reads the <c>}</c> or <c>~}</c> that closes the <paramref name="opener"/> at <paramref name="open"/>; reports it missing.</summary>
    private bool ReadClose(int open, string opener, out bool strip)
    {
        strip = false;
        var close = Peek();
        if (close.Kind == TokenKind.RightBrace)
        {
            Advance();
            return true;
        }

        if (close.Kind == TokenKind.Invalid && StartsWith(close.Start, "~}"))
        {
            SetPosition(close.Start + 2);
            _lastEnd = _position;
            strip = true;
            return true;
        }

        if (close.Kind == TokenKind.End)
        {
            Error(
                DiagnosticCodes.UnterminatedInterpolation,
                $"\"{opener}\" at {_origin.PositionOf(open)} is never closed",
                SpanOf(open, open + 2),
                $"close it with \"}}\", or write \"{opener[0]}{opener}\" for a literal \"{opener}\"");
        }
        else
        {
            Error(
                DiagnosticCodes.ExpressionSyntax,
                $"expected \"}}\" to close the \"{opener}\" opened at {_origin.PositionOf(open)}, found {Describe(close)}",
                close,
                HelpFor(close));
        }

        return false;
    }

    /// <summary>After an error: quoted, the end of the expression (null); unquoted, a piece up to the closing brace that evaluates to an unknown.</summary>
    private TemplatePiece? Broken(int open, bool quoted, PieceKind kind)
    {
        if (quoted)
        {
            return null;
        }

        var next = SkipToClosingBrace(open + 2);
        _panic = false;
        return new TemplatePiece(kind, open, next) { Expression = ErrorNode(open, next) };
    }

    /// <summary>
    /// Applies the strip markers and matches the directives up into a tree of template parts; null after a
    /// directive that closes nothing or is never closed, which is reported when <paramref name="report"/> (when no
    /// error came before, which could have caused it).
    /// </summary>
    private ImmutableArray<Expression>? BuildTemplate(List<TemplatePiece> pieces, bool report)
    {
        for (var i = 0; i < pieces.Count; i++)
        {
            if (pieces[i].StripBefore && i > 0 && pieces[i - 1].Kind == PieceKind.Text)
            {
                pieces[i - 1].Text = pieces[i - 1].Text.TrimEnd();
            }

            if (pieces[i].StripAfter && i + 1 < pieces.Count && pieces[i + 1].Kind == PieceKind.Text)
            {
                pieces[i + 1].Text = pieces[i + 1].Text.TrimStart();
            }
        }

        var frames = new Stack<DirectiveFrame>();
        frames.Push(new DirectiveFrame(null));
        foreach (var piece in pieces)
        {
            var top = frames.Peek();
            if (piece.Kind is PieceKind.Else or PieceKind.EndIf or PieceKind.EndFor && piece.Expression is { } broken)
            {
                // A closing directive that did not parse still closes, and leaves an unknown where it was.
                top.Current.Add(broken);
            }

            switch (piece.Kind)
            {
                case PieceKind.Text:
                    if (piece.Text.Length > 0)
                    {
                        top.Current.Add(Literal(Value.String(piece.Text), piece.Start, piece.End));
                    }

                    break;
                case PieceKind.Interpolation or PieceKind.Broken:
                    top.Current.Add(piece.Expression!);
                    break;
                case PieceKind.For or PieceKind.If:
                    if (frames.Count > Syntax.MaxDepth)
                    {
                        return StructureError(
                            report,
                            DiagnosticCodes.ExpressionSyntax,
                            $"template directives nested too deeply (more than {Syntax.MaxDepth} levels)",
                            piece,
                            null);
                    }

                    frames.Push(new DirectiveFrame(piece));
                    break;
                case PieceKind.Else:
                    if (top.Opening is { Kind: PieceKind.If } && top.Else is null)
                    {
                        top.Else = ImmutableArray.CreateBuilder<Expression>();
                        break;
                    }

                    return top.Opening switch
                    {
                        { Kind: PieceKind.If } open => StructureError(
                            report,
                            DiagnosticCodes.InvalidTemplateDirective,
                            $"a second \"%{{ else }}\" in the \"%{{ if }}\" opened at {_origin.PositionOf(open.Start)}",
                            piece,
                            "an \"%{ if }\" has at most one \"%{ else }\"; nest another \"%{ if }\" for more branches"),
                        { } open => StructureError(
                            report,
                            DiagnosticCodes.InvalidTemplateDirective,
                            $"\"%{{ else }}\" inside the \"%{{ for }}\" opened at {_origin.PositionOf(open.Start)}",
                            piece,
                            "\"%{ else }\" belongs to an \"%{ if }\"; close the loop with \"%{ endfor }\" first"),
                        null => StructureError(
                            report,
                            DiagnosticCodes.InvalidTemplateDirective,
                            "\"%{ else }\" outside \"%{ if }\"",
                            piece,
                            "\"%{ else }\" belongs between \"%{ if cond }\" and \"%{ endif }\"; write \"%%{\" for a literal \"%{\""),
                    };
                default:
                    var opens = piece.Kind == PieceKind.EndIf ? PieceKind.If : PieceKind.For;
                    if (top.Opening?.Kind == opens)
                    {
                        frames.Pop();
                        frames.Peek().Current.Add(Close(top, piece));
                        break;
                    }

                    var word = KeywordOf(piece.Kind);
                    return top.Opening is { } unclosed
                        ? StructureError(
                            report,
                            DiagnosticCodes.InvalidTemplateDirective,
                            $"expected \"%{{ {EndOf(unclosed.Kind)} }}\" to close the \"%{{ {KeywordOf(unclosed.Kind)} }}\" opened at {_origin.PositionOf(unclosed.Start)}, found \"%{{ {word} }}\"",
                            piece,
                            $"close the inner \"%{{ {KeywordOf(unclosed.Kind)} }}\" before its outer \"%{{ {KeywordOf(opens)} }}\"")
                        : StructureError(
                            report,
                            DiagnosticCodes.InvalidTemplateDirective,
                            $"\"%{{ {word} }}\" closes no \"%{{ {KeywordOf(opens)} }}\"",
                            piece,
                            $"remove it, or open the block with \"%{{ {KeywordOf(opens)} … }}\"; write \"%%{{\" for a literal \"%{{\"");
            }
        }

        if (frames.Count > 1)
        {
            var open = frames.Peek().Opening!;
            return StructureError(
                report,
                DiagnosticCodes.UnclosedTemplateDirective,
                $"\"%{{ {KeywordOf(open.Kind)} }}\" at {_origin.PositionOf(open.Start)} is never closed",
                open,
                $"close it with \"%{{ {EndOf(open.Kind)} }}\"");
        }

        return frames.Pop().Current.ToImmutable();
    }

    private Expression Close(DirectiveFrame frame, TemplatePiece end)
    {
        var open = frame.Opening!;
        var span = SpanOf(open.Start, end.End);
        if (open.Kind == PieceKind.For)
        {
            return new ForTemplateExpression(open.KeyName, open.ValueName, open.Expression!, frame.Current.ToImmutable()) { Span = span };
        }

        return new IfTemplateExpression(open.Expression!, frame.Then.ToImmutable(), frame.Else?.ToImmutable() ?? []) { Span = span };
    }

    private ImmutableArray<Expression>? StructureError(bool report, string code, string message, TemplatePiece piece, string? help)
    {
        if (report)
        {
            Error(code, message, SpanOf(piece.Start, piece.End), help);
        }

        return null;
    }

    private static string KeywordOf(PieceKind kind) => kind switch
    {
        PieceKind.For => "for",
        PieceKind.If => "if",
        PieceKind.Else => "else",
        PieceKind.EndIf => "endif",
        _ => "endfor",
    };

    private static string EndOf(PieceKind kind) => kind == PieceKind.For ? "endfor" : "endif";

    /// <summary>One piece of a template's text; <see cref="Text"/> changes when a strip marker trims it.</summary>
    private sealed class TemplatePiece(PieceKind kind, int start, int end)
    {
        public PieceKind Kind { get; } = kind;

        public int Start { get; } = start;

        public int End { get; } = end;

        public string Text { get; set; } = string.Empty;

        /// <summary>The interpolated expression, the collection of a for, or the condition of an if.</summary>
        public Expression? Expression { get; init; }

        public string? KeyName { get; init; }

        public string ValueName { get; init; } = "_";

        public bool StripBefore { get; init; }

        public bool StripAfter { get; init; }
    }

    /// <summary>A directive being read: its opening piece (none for the template itself) and the parts so far.</summary>
    private sealed class DirectiveFrame(TemplatePiece? opening)
    {
        public TemplatePiece? Opening { get; } = opening;

        public ImmutableArray<Expression>.Builder Then { get; } = ImmutableArray.CreateBuilder<Expression>();

        /// <summary>The parts after <c>%{ else }</c>, once it is read.</summary>
        public ImmutableArray<Expression>.Builder? Else { get; set; }

        public ImmutableArray<Expression>.Builder Current => Else ?? Then;
    }
}
