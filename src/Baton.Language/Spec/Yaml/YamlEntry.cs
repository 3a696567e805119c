namespace Baton.Spec.Yaml;

/// <summary>One key and value of a mapping.</summary>
internal sealed record YamlEntry(YamlScalar Key, YamlNode Value);
