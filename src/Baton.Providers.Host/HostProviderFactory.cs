namespace Baton.Providers.Host;

/// <summary>
/// Makes <c>host</c> provider instances. Settings: <c>inventory</c> (required: host name → address, port, user,
/// private_key or private_key_file, known_hosts or known_hosts_file, become, become_user), <c>forks</c> (50),
/// <c>sessions_per_host</c> (8), <c>connect_timeout</c> (10s), <c>command_timeout</c> (5m); <c>agent</c> is not
/// supported yet. Keys and known_hosts are read and checked here, so a bad one is a
/// <see cref="ProviderSettingProblem"/>; no host is contacted until a resource needs it.
/// </summary>
public sealed class HostProviderFactory : IProviderFactory
{
    /// <inheritdoc />
    public ProviderSchema Schema => Host.HostSchema.Provider;

    /// <inheritdoc />
    public ValueTask<ProviderCreation> CreateAsync(ProviderConfiguration configuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<ProviderSettingProblem>();
        return ValueTask.FromResult(HostSettings.From(configuration, problems) is { } options
            ? ProviderCreation.Started(new HostProvider(options))
            : ProviderCreation.Failed(problems));
    }
}
