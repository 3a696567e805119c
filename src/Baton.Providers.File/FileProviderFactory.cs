using System.Collections.Immutable;
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

        var stackDirectory = Path.GetFullPath(configuration.StackDirectory);
        if (!PathConfinement.TryCanonicalize(stackDirectory, out var canonicalStack, out var stackError))
        {
            throw new ProviderConfigurationException(instance, "roots", stackError);
        }

        var canonicalRoots = ImmutableArray.CreateBuilder<string>();
        foreach (var root in roots.AsList())
        {
            var text = root.AsString();
            if (!PathConfinement.TryCanonicalize(Path.IsPathRooted(text) ? text : Path.Combine(canonicalStack, text), out var canonical, out var error))
            {
                throw new ProviderConfigurationException(instance, "roots", error);
            }

            if (System.IO.File.Exists(canonical))
            {
                throw new ProviderConfigurationException(instance, "roots", $"\"{text}\" is a file, not a directory");
            }

            canonicalRoots.Add(canonical);
        }

        var paths = new PathConfinement(canonicalStack, canonicalRoots.ToImmutable());
        var stack = new PathConfinement(canonicalStack, [canonicalStack]);
        return ValueTask.FromResult<IProvider>(new FileProvider(paths, stack));
    }
}
