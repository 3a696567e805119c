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

    /// <summary>Reads the settings; each one that is wrong adds a problem naming it to <paramref name="problems"/>, and the result is then not to be used.</summary>
    public static HttpSettings From(ProviderConfiguration configuration, List<ProviderSettingProblem> problems)
    {
        var timeout = TimeSpan.FromSeconds(10);
        if (configuration.Setting("timeout") is { } timeoutValue)
        {
            if (!Baton.Text.Durations.TryParse(timeoutValue, out timeout, out var error))
            {
                problems.Add(new ProviderSettingProblem("timeout", error));
            }
            else if (timeout <= TimeSpan.Zero)
            {
                problems.Add(new ProviderSettingProblem("timeout", $"must be positive, got {timeoutValue}"));
            }
        }

        ImmutableHashSet<string>? allowed = null;
        if (configuration.Setting("allowed_hosts") is { } hosts)
        {
            if (hosts.Kind != ValueKind.List || hosts.AsList().Any(h => h.Kind != ValueKind.String || h.AsString().Trim().Length == 0))
            {
                problems.Add(new ProviderSettingProblem("allowed_hosts", $"expected a list of host names, got {hosts}"));
            }
            else
            {
                allowed = hosts.AsList().Select(h => h.AsString().Trim().ToLowerInvariant()).ToImmutableHashSet(StringComparer.Ordinal);
            }
        }

        return new HttpSettings { Timeout = timeout, AllowedHosts = allowed };
    }
}
