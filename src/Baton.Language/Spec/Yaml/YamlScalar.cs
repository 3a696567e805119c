using Baton.Diagnostics;
using Baton.Text;

namespace Baton.Spec.Yaml;

/// <summary>A scalar: its text, whether it was written plain (unquoted), and where each of its characters came from.</summary>
internal sealed class YamlScalar(SourceSpan span, string value, bool isPlain, TextOrigin origin) : YamlNode(span)
{
    /// <summary>The scalar's text after YAML unquoting and folding.</summary>
    public string Value { get; } = value;

    /// <summary>Whether the scalar was unquoted (so <c>2</c> is a number and <c>true</c> a bool, per the YAML core schema).</summary>
    public bool IsPlain { get; } = isPlain;

    /// <summary>Maps offsets in <see cref="Value"/> to the file.</summary>
    public TextOrigin Origin { get; } = origin;

    /// <summary>Whether this is YAML's null (<c>~</c>, <c>null</c> or nothing, unquoted).</summary>
    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";

    /// <inheritdoc />
    public override string KindName => IsNull ? "null" : "a string";
}
