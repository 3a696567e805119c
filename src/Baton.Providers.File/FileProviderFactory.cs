using Baton.Runtime;
using Baton.Values;

namespace Baton.Providers.File;

/// <summary>
/// Makes <c>file</c> provider instances. The one setting, <c>roots</c> (required), lists the directories, relative to
/// the stack directory, inside which every path a resource names must resolve (symlinks followed). A missing or
/// malformed <c>roots</c> throws <see cref="ProviderConfigurationException"/> naming it.
/// </summary>
public sealed class FileProviderFactory : IProviderFactory
{
    /// <inheritdoc />
    public ProviderSchema Schema => FileSchema.Provider;

    /// <inheritdoc />
    public ValueTask<IProvider> CreateAsync(ProviderConfiguration configuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var instance = configuration.InstanceName;
        if (configuration.Setting("roots") is not { } roots)
        {
            throw new ProviderConfigurationException(instance, "roots", "required: list the directories the provider may write in, such as [\"out\"]");
        }

        if (roots.Kind != ValueKind.List || roots.AsList().IsEmpty || roots.AsList().Any(r => r.Kind != ValueKind.String || r.AsString().Length == 0))
        {
            throw new ProviderConfigurationException(instance, "roots", $"expected a non-empty list of directory paths, got {roots}");
        }

        var paths = ConfinedRoots.Read(configuration, "roots", [.. roots.AsList().Select(r => r.AsString())]);
        var stack = new PathConfinement(paths.BaseDirectory, [paths.BaseDirectory]);
        return ValueTask.FromResult<IProvider>(new FileProvider(paths, stack, configuration.Templates));
    }
}
