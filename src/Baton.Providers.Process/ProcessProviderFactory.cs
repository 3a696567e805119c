namespace Baton.Providers.Process;

/// <summary>
/// Makes <c>process</c> provider instances. The provider takes no settings; it keeps its registry and replica logs
/// under <c>STATE/process/</c> and resolves <c>working_dir</c> against the stack directory.
/// </summary>
public sealed class ProcessProviderFactory : IProviderFactory
{
    /// <inheritdoc />
    public ProviderSchema Schema => ProcessSchema.Provider;

    /// <inheritdoc />
    public ValueTask<ProviderCreation> CreateAsync(ProviderConfiguration configuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return ValueTask.FromResult(OperatingSystem.IsLinux()
            ? ProviderCreation.Started(new ProcessProvider(configuration.StackDirectory, configuration.StateDirectory, configuration.Time))
            : ProviderCreation.Failed("platform", "the process provider needs Linux (/proc and setsid)"));
    }
}
