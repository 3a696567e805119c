namespace Baton.Providers;

/// <summary>
/// Makes instances of one provider family. A provider assembly names its factory with
/// <see cref="BatonProviderAttribute"/>; the factory needs a public parameterless constructor.
/// </summary>
public interface IProviderFactory
{
    /// <summary>The family's schema, known without configuration (used by static checks).</summary>
    ProviderSchema Schema { get; }

    /// <summary>
    /// Starts an instance with its configuration, or says which settings are wrong (every one it can tell, each
    /// named as written in the provider's block). Throws only for failures that are not the configuration's.
    /// </summary>
    ValueTask<ProviderCreation> CreateAsync(ProviderConfiguration configuration, CancellationToken cancellationToken);
}
