namespace Baton.Providers.Postgres;

/// <summary>
/// Makes <c>postgres</c> provider instances. Settings (all optional): <c>host</c> (127.0.0.1), <c>port</c> (5432),
/// <c>user</c> (postgres), <c>password</c> (sensitive), <c>database</c> (postgres), <c>sslmode</c> (prefer, disable,
/// require), <c>dump_root</c> (none: dump and restore refuse) and <c>bin_dir</c> (looked for), both relative to the
/// stack directory. A bad setting is a <see cref="ProviderSettingProblem"/> naming it; the server is first
/// contacted by the first call that needs it.
/// </summary>
public sealed class PostgresProviderFactory : IProviderFactory
{
    /// <inheritdoc />
    public ProviderSchema Schema => PostgresSchema.Provider;

    /// <inheritdoc />
    public ValueTask<ProviderCreation> CreateAsync(ProviderConfiguration configuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<ProviderSettingProblem>();
        return ValueTask.FromResult(PostgresSettings.From(configuration, problems) is { } settings
            ? ProviderCreation.Started(new PostgresProvider(settings))
            : ProviderCreation.Failed(problems));
    }
}
