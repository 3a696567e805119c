namespace Baton.Values;

/// <summary>The shape of a <see cref="Value"/>.</summary>
public enum ValueKind
{
    /// <summary>The absence of a value.</summary>
    Null,

    /// <summary>true or false.</summary>
    Bool,

    /// <summary>A finite IEEE double; integers are numbers with no fraction.</summary>
    Number,

    /// <summary>A string of UTF-16 text.</summary>
    String,

    /// <summary>An ordered list of values.</summary>
    List,

    /// <summary>A map from string keys to values, ordered by key.</summary>
    Map,

    /// <summary>A value that will be known only after apply (a computed attribute), of a known or unknown type.</summary>
    Unknown,
}
