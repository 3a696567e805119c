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
    /// into a confinement whose error messages call a root <paramref name="rootName"/>. Each bad root (and a bad
    /// <see cref="OutsideStackSetting"/>) adds a problem naming its setting to <paramref name="problems"/>; the result
    /// is then null.
    /// </summary>
    public static PathConfinement? Read(ProviderConfiguration configuration, string setting, IReadOnlyList<string> roots, ICollection<ProviderSettingProblem> problems, string rootName = "root")
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(roots);
        ArgumentNullException.ThrowIfNull(problems);
        if (!PathConfinement.TryCanonicalize(Path.GetFullPath(configuration.StackDirectory), out var stack, out var stackError))
        {
            problems.Add(new ProviderSettingProblem(setting, stackError));
            return null;
        }

        var found = problems.Count;
        var outsideAllowed = configuration.FlagSetting(OutsideStackSetting, problems) ?? false;
        var canonicalRoots = ImmutableArray.CreateBuilder<string>(roots.Count);
        foreach (var text in roots)
        {
            if (string.IsNullOrWhiteSpace(text) || text.Contains('\0', StringComparison.Ordinal))
            {
                problems.Add(new ProviderSettingProblem(setting, "expected a directory path"));
            }
            else if (!PathConfinement.TryCanonicalize(Path.GetFullPath(Path.IsPathRooted(text) ? text : Path.Combine(stack, text)), out var canonical, out var error))
            {
                problems.Add(new ProviderSettingProblem(setting, error));
            }
            else if (File.Exists(canonical))
            {
                problems.Add(new ProviderSettingProblem(setting, $"\"{text}\" is a file, not a directory"));
            }
            else if (!outsideAllowed && !PathConfinement.IsInside(canonical, stack))
            {
                problems.Add(new ProviderSettingProblem(
                    setting,
                    $"\"{text}\" resolves to \"{canonical}\", outside the stack directory; move it inside, or set {OutsideStackSetting}: true on the provider to allow it"));
            }
            else
            {
                canonicalRoots.Add(canonical);
            }
        }

        return problems.Count > found ? null : new PathConfinement(stack, canonicalRoots.MoveToImmutable(), rootName);
    }
}
