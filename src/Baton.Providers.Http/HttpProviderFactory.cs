namespace Baton.Providers.Http;

/// <summary>
/// Makes <c>http</c> provider instances. Settings (all optional): <c>timeout</c> (one request's limit, default
/// <c>10s</c>) and <c>allowed_hosts</c> (when given, URLs must name one of them). A bad setting is a
/// <see cref="ProviderSettingProblem"/> naming it.
/// </summary>
public sealed class HttpProviderFactory : IProviderFactory
{
    /// <inheritdoc />
    public ProviderSchema Schema => HttpSchema.Provider;

    /// <inheritdoc />
    public ValueTask<ProviderCreation> CreateAsync(ProviderConfiguration configuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<ProviderSettingProblem>();
        var settings = HttpSettings.From(configuration, problems);
        return ValueTask.FromResult(problems.Count > 0
            ? ProviderCreation.Failed(problems)
            : ProviderCreation.Started(new HttpProvider(settings, configuration.Time)));
    }
}
