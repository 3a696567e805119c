using Baton.Runtime;
using Baton.Values;

namespace Baton.Providers.File;

/// <summary>
/// Makes <c>file</c> provider instances. The one setting, <c>roots</c> (required), lists the directories, relative to
/// the stack directory, inside which every path a resource names must resolve (symlinks followed). A missing or
/// malformed <c>roots</c> is a <see cref="ProviderSettingProblem"/> naming it.
/// </summary>
public sealed class FileProviderFactory : IProviderFactory
{
    /// <inheritdoc />
    public ProviderSchema Schema => FileSchema.Provider;

    /// <inheritdoc />
    public ValueTask<ProviderCreation> CreateAsync(ProviderConfiguration configuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.Setting("roots") is not { } roots)
        {
            return ValueTask.FromResult(ProviderCreation.Failed("roots", "required: list the directories the provider may write in, such as [\"out\"]"));
        }

        if (roots.Kind != ValueKind.List || roots.AsList().IsEmpty || roots.AsList().Any(r => r.Kind != ValueKind.String || r.AsString().Length == 0))
        {
            return ValueTask.FromResult(ProviderCreation.Failed("roots", $"expected a non-empty list of directory paths, got {roots}"));
        }

        var problems = new List<ProviderSettingProblem>();
        if (ConfinedRoots.Read(configuration, "roots", [.. roots.AsList().Select(r => r.AsString())], problems) is not { } paths)
        {
            return ValueTask.FromResult(ProviderCreation.Failed(problems));
        }

        var stack = new PathConfinement(paths.BaseDirectory, [paths.BaseDirectory]);
        return ValueTask.FromResult(ProviderCreation.Started(new FileProvider(paths, stack, configuration.Templates)));
    }
}
