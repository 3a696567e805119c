using System.Collections.Immutable;
using Baton.Providers;
using Baton.Values;

namespace Baton.Runtime;

/// <summary>
/// Reads the directories a provider may touch (<c>roots</c>, <c>file_root</c>, <c>dump_root</c>) the one way every
/// provider does: relative to the stack directory, resolved as the OS will, directories only, and inside the stack
/// directory unless the provider's configuration opts in with <c>roots_outside_stack: true</c>. A root of
/// <c>/etc</c> or <c>../..</c> is a decision to write down, not a typo to find later.
/// </summary>
public static class ConfinedRoots
{
    /// <summary>The provider setting that allows roots outside the stack directory.</summary>
    public const string OutsideStackSetting = "roots_outside_stack";

    /// <summary>The schema entry for <see cref="OutsideStackSetting"/>, for every provider that has roots.</summary>
    public static AttributeSchema OutsideStackSchema { get; } = AttributeSchema.Input(
        OutsideStackSetting,
        BatonType.Bool,
        "Allow roots outside the stack directory (an absolute path or one through ..). Off by default, so such a root is an error.") with
    {
        Default = Value.False,
    };

    /// <summary>
    /// Resolves <paramref name="roots"/> (the value of setting <paramref name="setting"/>) against the stack directory
    /// into a confinement whose error messages call a root <paramref name="rootName"/>; a bad root throws
    /// <see cref="ProviderConfigurationException"/> naming the setting.
    /// </summary>
    public static PathConfinement Read(ProviderConfiguration configuration, string setting, IReadOnlyList<string> roots, string rootName = "root")
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(roots);
        var instance = configuration.InstanceName;
        if (!PathConfinement.TryCanonicalize(Path.GetFullPath(configuration.StackDirectory), out var stack, out var stackError))
        {
            throw new ProviderConfigurationException(instance, setting, stackError);
        }

        var outsideAllowed = configuration.Setting(OutsideStackSetting) switch
        {
            null => false,
            { Kind: ValueKind.Bool } allowed => allowed.AsBool(),
            var other => throw new ProviderConfigurationException(instance, OutsideStackSetting, $"expected true or false, got {other}"),
        };
        var canonicalRoots = ImmutableArray.CreateBuilder<string>(roots.Count);
        foreach (var text in roots)
        {
            if (string.IsNullOrWhiteSpace(text) || text.Contains('\0', StringComparison.Ordinal))
            {
                throw new ProviderConfigurationException(instance, setting, "expected a directory path");
            }

            if (!PathConfinement.TryCanonicalize(Path.GetFullPath(Path.IsPathRooted(text) ? text : Path.Combine(stack, text)), out var canonical, out var error))
            {
                throw new ProviderConfigurationException(instance, setting, error);
            }

            if (File.Exists(canonical))
            {
                throw new ProviderConfigurationException(instance, setting, $"\"{text}\" is a file, not a directory");
            }

            if (!outsideAllowed && !PathConfinement.IsInside(canonical, stack))
            {
                throw new ProviderConfigurationException(
                    instance,
                    setting,
                    $"\"{text}\" resolves to \"{canonical}\", outside the stack directory; move it inside, or set {OutsideStackSetting}: true on the provider to allow it");
            }

            canonicalRoots.Add(canonical);
        }

        return new PathConfinement(stack, canonicalRoots.MoveToImmutable(), rootName);
    }
}
