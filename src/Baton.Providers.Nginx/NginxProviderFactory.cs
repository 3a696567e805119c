namespace Baton.Providers.Nginx;

/// <summary>
/// Makes <c>nginx</c> provider instances. Settings (all optional): <c>binary</c> (default <c>nginx</c>, looked up on
/// PATH, then <c>/usr/sbin/nginx</c>) and <c>base_dir</c> (default <c>STATE/nginx</c>; relative to the stack
/// directory). A bad setting throws <see cref="ProviderConfigurationException"/> naming it.
/// </summary>
public sealed class NginxProviderFactory : IProviderFactory
{
    /// <inheritdoc />
    public ProviderSchema Schema => NginxSchema.Provider;

    /// <inheritdoc />
    public ValueTask<IProvider> CreateAsync(ProviderConfiguration configuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!OperatingSystem.IsLinux())
        {
            throw new ProviderConfigurationException(configuration.InstanceName, "platform", "the nginx provider needs Linux (/proc)");
        }

        var settings = NginxSettings.From(configuration);
        return ValueTask.FromResult<IProvider>(new NginxProvider(new NginxServer(settings.Binary, settings.BaseDirectory, configuration.Time), configuration.StackDirectory));
    }
}
