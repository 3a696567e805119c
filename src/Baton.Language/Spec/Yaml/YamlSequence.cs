using Baton.Diagnostics;

namespace Baton.Spec.Yaml;

/// <summary>A sequence.</summary>
internal sealed class YamlSequence(SourceSpan span, IReadOnlyList<YamlNode> items) : YamlNode(span)
{
    /// <summary>The items in order.</summary>
    public IReadOnlyList<YamlNode> Items { get; } = items;

    /// <inheritdoc />
    public override string KindName => "a list";
}
