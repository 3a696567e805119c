using System.Collections.Concurrent;
using Baton.Diagnostics;
using Baton.Expressions;
using Baton.Providers;
using Baton.Spec.Model;
using Baton.Values;

namespace Baton.Engine.Providers;

/// <summary>
/// Starts the provider instances a stack uses, once each, on first use: the family's default instance (<c>s3</c>)
/// or a named one (<c>s3.dr</c>), configured from the stack file's <c>providers:</c> with variables evaluated.
/// </summary>
public sealed class ProviderHost : IAsyncDisposable
{
    private readonly ProviderRegistry _registry;
    private readonly StackSpec _spec;
    private readonly IEvaluationScope _variables;
    private readonly string _stackDirectory;
    private readonly string _stateDirectory;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Lazy<Task<IProvider>>> _instances = new(StringComparer.Ordinal);

    /// <summary>Creates a host for one stack.</summary>
    public ProviderHost(ProviderRegistry registry, StackSpec spec, IEvaluationScope variables, string stackDirectory, string stateDirectory, TimeProvider time)
    {
        _registry = registry;
        _spec = spec;
        _variables = variables;
        _stackDirectory = stackDirectory;
        _stateDirectory = stateDirectory;
        _time = time;
    }

    /// <summary>The provider setting that caps how many of its operations run at once.</summary>
    public const string ParallelismSetting = "parallelism";

    /// <summary>
    /// The per-instance caps on concurrent operations, from each configured instance's literal <c>parallelism</c>.
    /// </summary>
    public static IReadOnlyDictionary<string, int> ParallelismLimits(StackSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var limits = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var provider in spec.Providers)
        {
            if (provider.Config is MapExpression map
                && map.Entries.FirstOrDefault(e => e.Key is LiteralExpression { Value.Kind: ValueKind.String } key && key.Value.AsString() == ParallelismSetting) is { Value: LiteralExpression { Value.Kind: ValueKind.Number } limit }
                && limit.Value.AsNumber() >= 1)
            {
                limits[provider.Name] = (int)Math.Min(limit.Value.AsNumber(), 10_000);
            }
        }

        return limits;
    }

    /// <summary>The registry of families.</summary>
    public ProviderRegistry Registry => _registry;

    /// <summary>The provider instance a resource uses: its <c>provider:</c>, else its type's family.</summary>
    public static string InstanceFor(ResourceSpec resource) => resource.Provider?.Name ?? resource.Family;

    /// <summary>The instance named <paramref name="instanceName"/>, started on first use.</summary>
    public Task<IProvider> GetAsync(string instanceName, CancellationToken cancellationToken) =>
        _instances.GetOrAdd(instanceName, name => new Lazy<Task<IProvider>>(() => StartAsync(name, cancellationToken))).Value;

    private async Task<IProvider> StartAsync(string instanceName, CancellationToken cancellationToken)
    {
        var spec = _spec.Providers.FirstOrDefault(p => p.Name == instanceName);
        var family = spec?.Family ?? (instanceName.Contains('.', StringComparison.Ordinal) ? instanceName[..instanceName.IndexOf('.', StringComparison.Ordinal)] : instanceName);
        if (!_registry.Factories.TryGetValue(family, out var factory))
        {
            throw new ProviderUnavailableException($"there is no provider \"{family}\"; known providers: {string.Join(", ", _registry.Factories.Keys.Order(StringComparer.Ordinal))}");
        }

        var settings = Value.EmptyMap;
        if (spec?.Config is { } config)
        {
            var diagnostics = new DiagnosticBag();
            settings = Evaluator.Evaluate(config, _variables, diagnostics);
            if (diagnostics.HasErrors || !settings.IsWhollyKnown)
            {
                throw new ProviderUnavailableException($"the configuration of provider \"{instanceName}\" cannot be evaluated: {diagnostics.FirstOrDefault(d => d.IsError)?.Message ?? "it depends on values not known yet"}");
            }
        }

        // "parallelism" is the engine's own setting (a cap on concurrent operations), not the provider's.
        if (settings.Kind == ValueKind.Map && settings.AsMap().ContainsKey(ParallelismSetting))
        {
            settings = Value.Map(settings.AsMap().Remove(ParallelismSetting));
        }

        return await factory.CreateAsync(
            new ProviderConfiguration
            {
                InstanceName = instanceName,
                Settings = settings,
                StackName = _spec.Name,
                StackDirectory = _stackDirectory,
                StateDirectory = _stateDirectory,
                Templates = new StackTemplateRenderer(_stackDirectory),
                Time = _time,
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances.Values)
        {
            if (instance.IsValueCreated && instance.Value.IsCompletedSuccessfully)
            {
                await instance.Value.Result.DisposeAsync();
            }
        }
    }
}
