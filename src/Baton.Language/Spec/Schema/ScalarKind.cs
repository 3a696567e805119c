namespace Baton.Spec.Schema;

/// <summary>The kinds of scalar a stack file holds.</summary>
public enum ScalarKind
{
    /// <summary>Any text.</summary>
    String,

    /// <summary>A whole number.</summary>
    Integer,

    /// <summary>Any number.</summary>
    Number,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>A duration such as <c>150ms</c>, <c>2s</c>, <c>1h30m</c>.</summary>
    Duration,

    /// <summary>A type name such as <c>string</c> or <c>list(number)</c>.</summary>
    TypeName,

    /// <summary>A name: a letter, then letters, digits, <c>_</c> or <c>-</c>.</summary>
    Name,

    /// <summary>A bare expression such as <c>resource.type == "s3.bucket"</c> (a <c>${…}</c> template is accepted too).</summary>
    Expression,
}
