namespace Baton.Values;

/// <summary>The kinds of <see cref="BatonType"/>.</summary>
public enum TypeKind
{
    /// <summary>Any value at all; static checks say nothing about it.</summary>
    Any,

    /// <summary>Text.</summary>
    String,

    /// <summary>Any finite number.</summary>
    Number,

    /// <summary>A number with no fraction.</summary>
    Int,

    /// <summary>true or false.</summary>
    Bool,

    /// <summary>A list whose elements have <see cref="BatonType.Element"/>.</summary>
    List,

    /// <summary>A map whose values have <see cref="BatonType.Element"/>.</summary>
    Map,

    /// <summary>The type of <c>null</c> alone.</summary>
    Null,
}
