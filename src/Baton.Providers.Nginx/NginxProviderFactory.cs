namespace Baton.Providers.Nginx;

/// <summary>
/// Makes <c>nginx</c> provider instances. Settings (all optional): <c>binary</c> (default <c>nginx</c>, looked up on
/// PATH, then <c>/usr/sbin/nginx</c>) and <c>base_dir</c> (default <c>STATE/nginx</c>; relative to the stack
/// directory). A bad setting is a <see cref="ProviderSettingProblem"/> naming it.
/// </summary>
public sealed class NginxProviderFactory : IProviderFactory
{
    /// <inheritdoc />
    public ProviderSchema Schema => NginxSchema.Provider;

    /// <inheritdoc />
    public ValueTask<ProviderCreation> CreateAsync(ProviderConfiguration configuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!OperatingSystem.IsLinux())
        {
            return ValueTask.FromResult(ProviderCreation.Failed("platform", "the nginx provider needs Linux (/proc)"));
        }

        var problems = new List<ProviderSettingProblem>();
        return ValueTask.FromResult(NginxSettings.From(configuration, problems) is { } settings
            ? ProviderCreation.Started(new NginxProvider(new NginxServer(settings.Binary, settings.BaseDirectory, configuration.Time), configuration.StackDirectory))
            : ProviderCreation.Failed(problems));
    }
}
