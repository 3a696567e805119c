using System.Collections.Immutable;
using Baton.Values;

namespace Baton.Providers.Http;

/// <summary>The http provider's settings, checked at start-up. Every default is in <see cref="HttpSchema.Provider"/>.</summary>
internal sealed record HttpSettings
{
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The hosts URLs may name, lower-case; null means any.</summary>
    public ImmutableHashSet<string>? AllowedHosts { get; init; }

    public bool Allows(Uri url) => AllowedHosts is null || AllowedHosts.Contains(url.IdnHost.ToLowerInvariant());

    /// <summary>Reads the settings; throws <see cref="ProviderConfigurationException"/> naming the setting that is wrong.</summary>
    public static HttpSettings From(ProviderConfiguration configuration)
    {
        var instance = configuration.InstanceName;
        var timeout = TimeSpan.FromSeconds(10);
        if (configuration.Setting("timeout") is { } timeoutValue)
        {
            if (!Baton.Text.Durations.TryParse(timeoutValue, out timeout, out var error))
            {
                throw new ProviderConfigurationException(instance, "timeout", error);
            }

            if (timeout <= TimeSpan.Zero)
            {
                throw new ProviderConfigurationException(instance, "timeout", $"must be positive, got {timeoutValue}");
            }
        }

        ImmutableHashSet<string>? allowed = null;
        if (configuration.Setting("allowed_hosts") is { } hosts)
        {
            if (hosts.Kind != ValueKind.List || hosts.AsList().Any(h => h.Kind != ValueKind.String || h.AsString().Trim().Length == 0))
            {
                throw new ProviderConfigurationException(instance, "allowed_hosts", $"expected a list of host names, got {hosts}");
            }

            allowed = hosts.AsList().Select(h => h.AsString().Trim().ToLowerInvariant()).ToImmutableHashSet(StringComparer.Ordinal);
        }

        return new HttpSettings { Timeout = timeout, AllowedHosts = allowed };
    }
}
