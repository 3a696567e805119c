using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Baton.Providers;

/// <summary>
/// What <see cref="IProviderFactory.CreateAsync"/> gives: the started instance, or every setting that keeps it from
/// starting. Wrong settings are the user's errors, so a factory reports them here rather than throwing.
/// </summary>
public sealed class ProviderCreation
{
    private ProviderCreation(IProvider? provider, ImmutableArray<ProviderSettingProblem> problems)
    {
        Provider = provider;
        Problems = problems;
    }

    /// <summary>The started instance; null when <see cref="Problems"/> has any.</summary>
    public IProvider? Provider { get; }

    /// <summary>What is wrong with the settings; empty when the instance started.</summary>
    public ImmutableArray<ProviderSettingProblem> Problems { get; }

    /// <summary>Whether the instance started.</summary>
    [MemberNotNullWhen(true, nameof(Provider))]
    public bool Succeeded => Provider is not null;

    /// <summary>An instance that started.</summary>
    public static ProviderCreation Started(IProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return new ProviderCreation(provider, []);
    }

    /// <summary>An instance that cannot start because of <paramref name="problems"/> (at least one).</summary>
    public static ProviderCreation Failed(IEnumerable<ProviderSettingProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var all = problems.ToImmutableArray();
        return all.IsEmpty
            ? throw new ArgumentException("a failed creation names at least one problem", nameof(problems))
            : new ProviderCreation(null, all);
    }

    /// <summary>An instance that cannot start because setting <paramref name="setting"/> is wrong.</summary>
    public static ProviderCreation Failed(string setting, string message) => Failed([new ProviderSettingProblem(setting, message)]);
}
