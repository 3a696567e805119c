namespace Baton.Expressions;

/// <summary>An infix operator. Precedence, lowest first: <c>||</c>; <c>&amp;&amp;</c>; <c>== !=</c>; <c>&lt; &lt;= &gt; &gt;=</c>; <c>+ -</c>; <c>* / %</c>. All are left-associative.</summary>
public enum BinaryOperator
{
    /// <summary><c>||</c>.</summary>
    Or,

    /// <summary><c>&amp;&amp;</c>.</summary>
    And,

    /// <summary><c>==</c>, deep equality of any values.</summary>
    Equal,

    /// <summary><c>!=</c>.</summary>
    NotEqual,

    /// <summary><c>&lt;</c>, on numbers.</summary>
    Less,

    /// <summary><c>&lt;=</c>.</summary>
    LessOrEqual,

    /// <summary><c>&gt;</c>.</summary>
    Greater,

    /// <summary><c>&gt;=</c>.</summary>
    GreaterOrEqual,

    /// <summary><c>+</c>, on numbers only.</summary>
    Add,

    /// <summary><c>-</c>.</summary>
    Subtract,

    /// <summary><c>*</c>.</summary>
    Multiply,

    /// <summary><c>/</c>.</summary>
    Divide,

    /// <summary><c>%</c>, the remainder with the sign of the dividend.</summary>
    Modulo,
}
