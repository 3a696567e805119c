namespace Baton.Expressions;

/// <summary>A token of an expression: its kind and the offsets of its text (<paramref name="End"/> exclusive).</summary>
internal readonly record struct Token(TokenKind Kind, int Start, int End);
