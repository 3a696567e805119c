namespace Baton.Providers.Http;

/// <summary>
/// Makes <c>http</c> provider instances. Settings (all optional): <c>timeout</c> (one request's limit, default
/// <c>10s</c>) and <c>allowed_hosts</c> (when given, URLs must name one of them). A bad setting throws
/// <see cref="ProviderConfigurationException"/> naming it.
/// </summary>
public sealed class HttpProviderFactory : IProviderFactory
{
    /// <inheritdoc />
    public ProviderSchema Schema => HttpSchema.Provider;

    /// <inheritdoc />
    public ValueTask<IProvider> CreateAsync(ProviderConfiguration configuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = HttpSettings.From(configuration);
        return ValueTask.FromResult<IProvider>(new HttpProvider(settings, configuration.Time));
    }
}
