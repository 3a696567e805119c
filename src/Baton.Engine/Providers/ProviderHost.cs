using System.Collections.Concurrent;
using System.Collections.Immutable;
using Baton.Binding;
using Baton.Diagnostics;
using Baton.Expressions;
using Baton.Providers;
using Baton.Spec.Declarations;
using Baton.Values;

namespace Baton.Engine.Providers;

/// <summary>
/// Starts the provider instances a stack uses, once each, on first use: the family's default instance (<c>s3</c>)
/// or a named one (<c>s3.dr</c>), configured from the stack file's <c>providers:</c> with variables evaluated. An
/// instance that cannot start is reported as diagnostics: each setting its factory refuses at that setting of the
/// provider block.
/// </summary>
public sealed class ProviderHost : IAsyncDisposable
{
    private readonly ProviderRegistry _registry;
    private readonly StackSpec _spec;
    private readonly IEvaluationScope _variables;
    private readonly string _stackDirectory;
    private readonly string _stateDirectory;
    private readonly TimeProvider _time;
    private readonly Value _inventory;
    private readonly ConcurrentDictionary<string, Lazy<Task<Instance>>> _instances = new(StringComparer.Ordinal);

    /// <summary>Creates a host for one stack; every instance is given <paramref name="inventory"/>'s hosts (none when null).</summary>
    public ProviderHost(ProviderRegistry registry, StackSpec spec, IEvaluationScope variables, string stackDirectory, string stateDirectory, TimeProvider time, Inventory? inventory = null)
    {
        _inventory = (inventory ?? Inventory.Empty).ToProviderSetting();
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
            if (SettingEntry(provider, ParallelismSetting) is { Value: LiteralExpression { Value.Kind: ValueKind.Number } limit }
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

    /// <summary>Every instance the stack file names: each provider block, then each resource's instance, once each in that order.</summary>
    public static IEnumerable<string> InstancesOf(StackSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Providers.Select(p => p.Name).Concat(spec.Resources.Select(InstanceFor)).Distinct(StringComparer.Ordinal);
    }

    /// <summary>
    /// The instance named <paramref name="instanceName"/>, started on first use. One that cannot start throws
    /// <see cref="ProviderUnavailableException"/> with the diagnostics that say why.
    /// </summary>
    public async Task<IProvider> GetAsync(string instanceName, CancellationToken cancellationToken)
    {
        var instance = await StartedAsync(instanceName, cancellationToken);
        return instance.Provider ?? throw new ProviderUnavailableException(string.Join("; ", instance.Diagnostics.Select(d => d.Message)), instance.Diagnostics);
    }

    /// <summary>
    /// Starts each of <paramref name="instanceNames"/> that has not started yet, and returns the diagnostics of those
    /// that cannot: every setting a factory refuses (<see cref="DiagnosticCodes.ProviderSetting"/>), a family that
    /// does not exist, a configuration that does not evaluate. Empty when all of them run.
    /// </summary>
    public async Task<ImmutableArray<Diagnostic>> StartAsync(IEnumerable<string> instanceNames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceNames);
        var diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
        foreach (var name in instanceNames.Distinct(StringComparer.Ordinal))
        {
            diagnostics.AddRange((await StartedAsync(name, cancellationToken)).Diagnostics);
        }

        return diagnostics.ToImmutable();
    }

    private Task<Instance> StartedAsync(string instanceName, CancellationToken cancellationToken) =>
        _instances.GetOrAdd(instanceName, name => new Lazy<Task<Instance>>(() => StartAsync(name, cancellationToken))).Value;

    private async Task<Instance> StartAsync(string instanceName, CancellationToken cancellationToken)
    {
        var spec = _spec.Providers.FirstOrDefault(p => p.Name == instanceName);
        var family = spec?.Family ?? (instanceName.Contains('.', StringComparison.Ordinal) ? instanceName[..instanceName.IndexOf('.', StringComparison.Ordinal)] : instanceName);
        var where = spec?.NameSpan ?? _spec.Resources.FirstOrDefault(r => InstanceFor(r) == instanceName)?.TypeSpan;
        if (!_registry.Factories.TryGetValue(family, out var factory))
        {
            return Instance.Failed(Failure(instanceName, where, $"there is no provider \"{family}\"; known providers: {string.Join(", ", _registry.Factories.Keys.Order(StringComparer.Ordinal))}"));
        }

        var settings = Value.EmptyMap;
        if (spec?.Config is { } config)
        {
            var diagnostics = new DiagnosticBag();
            settings = Evaluator.Evaluate(config, _variables, diagnostics);
            if (diagnostics.HasErrors || !settings.IsWhollyKnown)
            {
                var error = diagnostics.FirstOrDefault(d => d.IsError);
                return Instance.Failed(Failure(
                    instanceName,
                    error?.Span ?? where,
                    $"the configuration of provider \"{instanceName}\" cannot be evaluated: {error?.Message ?? "it depends on values not known yet"}"));
            }
        }

        // "parallelism" is the engine's own setting (a cap on concurrent operations), not the provider's.
        if (settings.Kind == ValueKind.Map && settings.AsMap().ContainsKey(ParallelismSetting))
        {
            settings = Value.Map(settings.AsMap().Remove(ParallelismSetting));
        }

        var creation = await factory.CreateAsync(
            new ProviderConfiguration
            {
                InstanceName = instanceName,
                Settings = settings,
                StackName = _spec.Name,
                StackDirectory = _stackDirectory,
                StateDirectory = _stateDirectory,
                Templates = new StackTemplateRenderer(_stackDirectory),
                Time = _time,
                Inventory = _inventory,
            },
            cancellationToken);
        if (creation.Succeeded)
        {
            return new Instance(creation.Provider, []);
        }

        // A factory's message may quote a setting's value; sensitive ones never show.
        return new Instance(null, [.. creation.Problems.Select(problem => new Diagnostic
        {
            Severity = DiagnosticSeverity.Error,
            Code = DiagnosticCodes.ProviderSetting,
            Message = SensitiveText.Scrub($"provider \"{instanceName}\": setting \"{problem.Setting}\": {problem.Message}", settings),
            Span = (spec is null ? null : SettingEntry(spec, problem.Setting)?.Value.Span) ?? where,
            Subject = where is null ? instanceName : null,
        })]);
    }

    /// <summary>The entry of <paramref name="provider"/>'s block that sets <paramref name="setting"/> literally, if there is one.</summary>
    private static MapEntry? SettingEntry(ProviderSpec provider, string setting) =>
        provider.Config is MapExpression map
            ? map.Entries.FirstOrDefault(e => e.Key is LiteralExpression { Value.Kind: ValueKind.String } key && key.Value.AsString() == setting)
            : null;

    private static Diagnostic Failure(string instanceName, SourceSpan? span, string message) => new()
    {
        Severity = DiagnosticSeverity.Error,
        Code = DiagnosticCodes.ProviderFailed,
        Message = message,
        Span = span,
        Subject = span is null ? instanceName : null,
    };

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances.Values)
        {
            if (instance.IsValueCreated && instance.Value.IsCompletedSuccessfully && instance.Value.Result.Provider is { } provider)
            {
                await provider.DisposeAsync();
            }
        }
    }

    /// <summary>A started instance, or why it did not start.</summary>
    private sealed record Instance(IProvider? Provider, ImmutableArray<Diagnostic> Diagnostics)
    {
        public static Instance Failed(Diagnostic diagnostic) => new(null, [diagnostic]);
    }
}
