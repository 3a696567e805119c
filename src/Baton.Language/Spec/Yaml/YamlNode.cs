using Baton.Diagnostics;

namespace Baton.Spec.Yaml;

/// <summary>A node of a parsed stack file, with its place in the file. Our own tree, so duplicate keys and positions survive parsing.</summary>
internal abstract class YamlNode
{
    protected YamlNode(SourceSpan span) => Span = span;

    /// <summary>Where the node is.</summary>
    public SourceSpan Span { get; }

    /// <summary>What the node is, for messages: "a string", "a list", "a map".</summary>
    public abstract string KindName { get; }
}
