using System.Collections.Immutable;
using System.Reflection;
using Baton.Providers;

namespace Baton.Engine.Providers;

/// <summary>
/// The provider families Baton knows, read from the <see cref="BatonProviderAttribute"/> of the assemblies it is given
/// (never by scanning loaded types).
/// </summary>
public sealed class ProviderRegistry
{
    private readonly ImmutableDictionary<string, IProviderFactory> _factories;

    private ProviderRegistry(ImmutableDictionary<string, IProviderFactory> factories) => _factories = factories;

    /// <summary>The families, by name.</summary>
    public IReadOnlyDictionary<string, IProviderFactory> Factories => _factories;

    /// <summary>Reads the provider factories declared by <paramref name="assemblies"/>.</summary>
    public static ProviderRegistry FromAssemblies(IEnumerable<Assembly> assemblies)
    {
        ArgumentNullException.ThrowIfNull(assemblies);
        var builder = ImmutableDictionary.CreateBuilder<string, IProviderFactory>(StringComparer.Ordinal);
        foreach (var assembly in assemblies)
        {
            foreach (var attribute in assembly.GetCustomAttributes<BatonProviderAttribute>())
            {
                if (Activator.CreateInstance(attribute.FactoryType) is not IProviderFactory factory)
                {
                    throw new InvalidOperationException($"{attribute.FactoryType} named by {assembly.GetName().Name} is not an IProviderFactory.");
                }

                if (!builder.TryAdd(factory.Schema.Family, factory))
                {
                    throw new InvalidOperationException($"Two assemblies declare the provider family \"{factory.Schema.Family}\".");
                }
            }
        }

        return new ProviderRegistry(builder.ToImmutable());
    }

    /// <summary>A registry of the given factories (for tests and embedding).</summary>
    public static ProviderRegistry Of(params IProviderFactory[] factories)
    {
        ArgumentNullException.ThrowIfNull(factories);
        return new ProviderRegistry(factories.ToImmutableDictionary(f => f.Schema.Family, StringComparer.Ordinal));
    }

    /// <summary>The schema of resource type <paramref name="type"/>, if its family is known and has it.</summary>
    public ResourceTypeSchema? ResourceType(string type)
    {
        var dot = type.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && _factories.TryGetValue(type[..dot], out var factory) ? factory.Schema.ResourceType(type) : null;
    }
}
